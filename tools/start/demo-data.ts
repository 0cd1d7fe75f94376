/**
 * Loads a small, realistic demo commune through the registry's public API (as an operator and
 * field agents would), only when the commune is not there yet. Usage: demo-data.ts REGISTRY_URL
 */
import { signToken } from '@dtc/platform';
import { DEV_JWT_SECRET } from './dev-env';

const registryUrl = process.argv[2] ?? 'http://127.0.0.1:3001';
const COMMUNE = { code: '16279', name: 'Xã Đông Tiến', provinceCode: '38', provinceName: 'Thanh Hóa' };
const VILLAGES = [
  { code: 'DONG-HOA', name: 'Thôn Đông Hòa', households: 42, distanceKm: 1.5, signal: 'good' },
  { code: 'DONG-PHU', name: 'Thôn Đông Phú', households: 35, distanceKm: 3.2, signal: 'good' },
  { code: 'TRUNG-THANH', name: 'Thôn Trung Thành', households: 28, distanceKm: 6.8, signal: 'weak' },
  { code: 'BAI-TRANH', name: 'Bản Bãi Tranh', households: 18, distanceKm: 14.5, signal: 'weak', minority: true },
  { code: 'KHE-NUOC', name: 'Bản Khe Nước', households: 12, distanceKm: 27.0, signal: 'none', minority: true, offGrid: true },
  { code: 'TDP-1', name: 'Tổ dân phố 1', households: 30, distanceKm: 0.4, signal: 'good' },
] as const;
const SURNAMES = ['Nguyễn', 'Lê', 'Trần', 'Phạm', 'Hoàng', 'Vũ', 'Đỗ', 'Lò', 'Hà', 'Lương'];
const GIVEN = ['Văn An', 'Thị Bình', 'Văn Cường', 'Thị Dung', 'Văn Hùng', 'Thị Lan', 'Văn Minh', 'Thị Ngọc', 'Văn Phúc', 'Thị Thu'];

let seed = 20260721;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

const settings = { secret: process.env.JWT_SECRET || DEV_JWT_SECRET, issuer: process.env.JWT_ISSUER || 'dtc-platform', audience: process.env.JWT_AUDIENCE || 'dtc-api' };
const operator = signToken(settings, { sub: 'demo-operator', role: 'operations' });
const agent = signToken(settings, { sub: 'demo-field-agent', role: 'field_agent', communes: [COMMUNE.code] });

async function call(method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${registryUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function expectCreated(response: Response, what: string): Promise<void> {
  if (response.status !== 201) throw new Error(`${what} failed: ${response.status} ${await response.text()}`);
}

/** A progress bar on a terminal; a line per quarter when the output is a log. */
function progress(done: number, total: number): void {
  const filled = Math.round((done / total) * 30);
  const bar = `  households [${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${done}/${total}`;
  if (process.stdout.isTTY) process.stdout.write(`\r${bar}`);
  else if (done === total || done % Math.ceil(total / 4) === 0) process.stdout.write(`${bar}\n`);
}

async function main(): Promise<void> {
  if ((await call('GET', `/communes/${COMMUNE.code}`, operator)).status === 200) {
    process.stdout.write(`demo commune ${COMMUNE.code} (${COMMUNE.name}) already loaded\n`);
    return;
  }
  await expectCreated(await call('POST', '/communes', operator, COMMUNE), 'commune');
  const total = VILLAGES.reduce((sum, v) => sum + v.households, 0);
  let done = 0;
  for (const village of VILLAGES) {
    await expectCreated(await call('POST', `/communes/${COMMUNE.code}/villages`, operator, { code: village.code, name: village.name }), `village ${village.code}`);
    for (let i = 0; i < village.households; i += 1) {
      const daysAgo = Math.floor(random() * 30);
      const household = {
        communeCode: COMMUNE.code,
        villageCode: village.code,
        address: `Xóm ${1 + Math.floor(random() * 5)}, ${village.name}`,
        headName: `${SURNAMES[Math.floor(random() * SURNAMES.length)]} ${GIVEN[Math.floor(random() * GIVEN.length)]}`,
        registeredAt: new Date(Date.now() - daysAgo * 86400000 - Math.floor(random() * 36000000)).toISOString(),
        ethnicMinority: 'minority' in village,
        hasElectricity: !('offGrid' in village) || random() < 0.3,
        mobileSignal: village.signal,
        hasInternet: village.signal === 'good' && random() < 0.7,
        smartDevices: Math.floor(random() * (village.signal === 'none' ? 2 : 4)),
        distanceToCentreKm: Math.round((village.distanceKm + random()) * 10) / 10,
      };
      await expectCreated(await call('POST', '/households', agent, household), `household in ${village.code}`);
      done += 1;
      progress(done, total);
    }
  }
  process.stdout.write(`${process.stdout.isTTY ? '\n' : ''}demo commune ${COMMUNE.code} (${COMMUNE.name}, ${COMMUNE.provinceName}): ${VILLAGES.length} villages, ${total} households\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`demo data: ${error.message}\n`);
  process.exit(1);
});
