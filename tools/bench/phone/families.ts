import { seededRandom } from '../../soak/schedule';
/**
 * Households and residents as a field team records them in a commune of Thanh Hóa (province 38):
 * Kinh, Mường and Thái families, a head with spouse, children and sometimes a grandparent. Drawn
 * from a seeded generator so every run records the same people. Payloads are the registry's
 * RegisterHouseholdDto / RegisterResidentDto (docs/api/registry.openapi.json), without ID numbers.
 */

export interface HouseholdFields {
  address: string;
  headName: string;
  hasElectricity: boolean;
  hasInternet: boolean;
  mobileSignal: 'none' | 'weak' | 'good';
  smartDevices: number;
  ethnicMinority: boolean;
  distanceToCentreKm: number;
}

export interface ResidentFields {
  fullName: string;
  dateOfBirth: string;
  sex: 'male' | 'female';
  ethnicity: string;
  relationshipToHead: 'head' | 'spouse' | 'child' | 'parent' | 'grandchild' | 'grandparent' | 'sibling' | 'other_relative' | 'other';
  ownsSmartphone: boolean;
}

export interface Family {
  household: HouseholdFields;
  residents: ResidentFields[];
}

/** The soak's seeded generator (mulberry32): the same seed gives the same families. */
export { seededRandom };

const KINH = ['Nguyễn', 'Lê', 'Trần', 'Phạm', 'Hoàng', 'Vũ', 'Đỗ', 'Bùi', 'Đặng', 'Ngô', 'Trịnh', 'Mai', 'Lương'];
const MUONG = ['Bùi', 'Quách', 'Đinh', 'Hà', 'Phạm'];
const THAI = ['Lò', 'Cầm', 'Hà', 'Vi', 'Lường'];
const MALE = ['An', 'Bình', 'Cường', 'Dũng', 'Đức', 'Hải', 'Hùng', 'Khánh', 'Long', 'Nam', 'Phong', 'Quân', 'Sơn', 'Thắng', 'Tuấn', 'Việt', 'Toàn', 'Hiếu'];
const FEMALE = ['Anh', 'Hà', 'Hoa', 'Hương', 'Lan', 'Linh', 'Mai', 'Nga', 'Nhung', 'Phương', 'Thảo', 'Trang', 'Yến', 'Hạnh', 'Huyền', 'Loan'];
const MALE_MIDDLE = ['Văn', 'Văn', 'Đức', 'Hữu', 'Minh', 'Quang', 'Xuân'];
const FEMALE_MIDDLE = ['Thị', 'Thị', 'Thị', 'Ngọc', 'Thu', 'Thanh'];
const HAMLETS = ['Xóm Bãi', 'Xóm Đồi', 'Xóm Chùa', 'Xóm Giữa', 'Xóm Đình', 'Xóm Trại', 'Bản Na', 'Bản Lát'];

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)];
const pad = (n: number) => String(n).padStart(2, '0');

function birthDate(random: () => number, from: number, to: number): string {
  const year = from + Math.floor(random() * (to - from + 1));
  return `${year}-${pad(1 + Math.floor(random() * 12))}-${pad(1 + Math.floor(random() * 28))}`;
}

function personName(random: () => number, family: string, sex: 'male' | 'female'): string {
  return sex === 'male' ? `${family} ${pick(random, MALE_MIDDLE)} ${pick(random, MALE)}` : `${family} ${pick(random, FEMALE_MIDDLE)} ${pick(random, FEMALE)}`;
}

/** One family of `size` people (2-4 unless asked otherwise): head, spouse, children, perhaps a grandparent. */
export function family(random: () => number, number: number, size = 2 + Math.floor(random() * 3)): Family {
  const roll = random();
  const [ethnicity, names] = roll < 0.7 ? ['Kinh', KINH] : roll < 0.88 ? ['Mường', MUONG] : ['Thái', THAI];
  const familyName = pick(random, names);
  const headSex = random() < 0.8 ? 'male' : 'female';
  const headName = personName(random, familyName, headSex);
  const headBorn = 1950 + Math.floor(random() * 50);
  const residents: ResidentFields[] = [{ fullName: headName, dateOfBirth: birthDate(random, headBorn, headBorn), sex: headSex, ethnicity, relationshipToHead: 'head', ownsSmartphone: random() < 0.7 }];
  const spouseSex = headSex === 'male' ? 'female' : 'male';
  if (size >= 2) residents.push({ fullName: personName(random, spouseSex === 'female' ? pick(random, names) : familyName, spouseSex), dateOfBirth: birthDate(random, headBorn - 3, headBorn + 5), sex: spouseSex, ethnicity, relationshipToHead: 'spouse', ownsSmartphone: random() < 0.6 });
  while (residents.length < size) {
    const elder = residents.length === 3 && headBorn > 1975 && random() < 0.3;
    const sex = random() < 0.5 ? 'male' : 'female';
    residents.push(
      elder
        ? { fullName: personName(random, familyName, sex), dateOfBirth: birthDate(random, headBorn - 32, headBorn - 22), sex, ethnicity, relationshipToHead: 'parent', ownsSmartphone: false }
        : { fullName: personName(random, familyName, sex), dateOfBirth: birthDate(random, Math.min(headBorn + 20, 2024), Math.min(headBorn + 40, 2024)), sex, ethnicity, relationshipToHead: 'child', ownsSmartphone: random() < 0.5 },
    );
  }
  const signal = random();
  return {
    household: {
      address: `Số ${1 + (number % 180)}, ${pick(random, HAMLETS)}`,
      headName,
      hasElectricity: random() < 0.95,
      hasInternet: random() < 0.45,
      mobileSignal: signal < 0.15 ? 'none' : signal < 0.55 ? 'weak' : 'good',
      smartDevices: Math.floor(random() * 4),
      ethnicMinority: ethnicity !== 'Kinh',
      distanceToCentreKm: Math.round(random() * 250) / 10,
    },
    residents,
  };
}
