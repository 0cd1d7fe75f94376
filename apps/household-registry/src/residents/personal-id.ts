/**
 * Structural validation of the 12-digit Vietnamese personal identification number
 * (Căn cước công dân, CCCD) as laid out by Circular 07/2016/TT-BCA:
 *
 *   PPP G YY NNNNNN
 *   │   │ │  └ random serial
 *   │   │ └ last two digits of the birth year
 *   │   └ century of birth and sex (0/1 = 1900s male/female, 2/3 = 2000s, … 8/9 = 2300s)
 *   └ province (or centrally-run city) where the birth was registered
 *
 * This checks structure only; it cannot tell whether the number was actually issued.
 */

export type Sex = 'male' | 'female';

export interface PersonalIdProblem {
  field: 'idNumber';
  reason: string;
}

/** The 63 province codes of birth registration used in digits 1-3 of a CCCD. */
export const CCCD_PROVINCE_CODES: ReadonlySet<string> = new Set([
  '001', '002', '004', '006', '008', '010', '011', '012', '014', '015', '017', '019', '020', '022', '024', '025',
  '026', '027', '030', '031', '033', '034', '035', '036', '037', '038', '040', '042', '044', '045', '046', '048',
  '049', '051', '052', '054', '056', '058', '060', '062', '064', '066', '067', '068', '070', '072', '074', '075',
  '077', '079', '080', '082', '083', '084', '086', '087', '089', '091', '092', '093', '094', '095', '096',
]);

/** First year covered by century/sex digits 0-1; each following pair of digits covers the next century. */
const FIRST_CENTURY_START = 1900;
const LAST_CENTURY_START = 2300;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True for a real (proleptic Gregorian) calendar date written exactly as YYYY-MM-DD, e.g. false for 2023-02-29. */
export function isValidIsoDate(value: string): boolean {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12) return false;
  return day >= 1 && day <= daysInMonth(year, month);
}

function centuryRange(centuryStart: number): string {
  return `${centuryStart}-${centuryStart + 99}`;
}

function problem(reason: string): PersonalIdProblem {
  return { field: 'idNumber', reason };
}

/**
 * Validates the structure of a 12-digit Vietnamese personal identification number (CCCD). Returns [] when valid.
 *
 * A malformed number (not exactly 12 ASCII digits) yields that single problem and nothing else. Otherwise each
 * failing rule contributes one problem, in order: province code, century, sex, birth year. The checks that depend
 * on the date of birth are skipped when `dateOfBirth` is not a valid YYYY-MM-DD date (validate that separately).
 */
export function personalIdProblems(idNumber: string, dateOfBirth: string, sex: Sex): PersonalIdProblem[] {
  if (typeof idNumber !== 'string' || !/^[0-9]{12}$/.test(idNumber)) {
    const text = typeof idNumber === 'string' ? idNumber : '';
    const nonDigit = Array.from(text).find((c) => c < '0' || c > '9');
    const detail = nonDigit !== undefined
      ? `found the non-digit character ${JSON.stringify(nonDigit)}`
      : `got ${Array.from(text).length} digit${Array.from(text).length === 1 ? '' : 's'}`;
    return [problem(`must be exactly 12 digits (0-9); ${detail}`)];
  }

  const problems: PersonalIdProblem[] = [];

  const province = idNumber.slice(0, 3);
  if (!CCCD_PROVINCE_CODES.has(province)) {
    problems.push(problem(`digits 1-3 must be a province code of birth registration, but "${province}" is not one`));
  }

  if (!isValidIsoDate(dateOfBirth)) return problems;
  const birthYear = Number(dateOfBirth.slice(0, 4));

  const centuryDigit = Number(idNumber[3]);
  const digitCenturyStart = FIRST_CENTURY_START + Math.floor(centuryDigit / 2) * 100;
  const digitSex: Sex = centuryDigit % 2 === 0 ? 'male' : 'female';
  const meaning = `century/sex digit ${centuryDigit} means ${digitSex} born ${centuryRange(digitCenturyStart)}, but the resident is ${sex} born ${birthYear}`;

  if (birthYear < FIRST_CENTURY_START || birthYear > LAST_CENTURY_START + 99) {
    problems.push(problem(`${meaning}; no century/sex digit covers birth year ${birthYear} (only ${FIRST_CENTURY_START}-${LAST_CENTURY_START + 99})`));
  } else if (birthYear < digitCenturyStart || birthYear > digitCenturyStart + 99) {
    problems.push(problem(`${meaning} (the century of birth does not match)`));
  }
  if (digitSex !== sex) {
    problems.push(problem(`${meaning} (the sex does not match)`));
  }

  const yearDigits = idNumber.slice(4, 6);
  const expectedYearDigits = String(birthYear % 100).padStart(2, '0');
  if (yearDigits !== expectedYearDigits) {
    problems.push(problem(`digits 5-6 must be the last two digits of the birth year ${birthYear} ("${expectedYearDigits}"), but they are "${yearDigits}"`));
  }

  return problems;
}
