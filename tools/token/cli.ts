/**
 * npm run token -- --role ROLE (--commune CODE[,CODE] | --province CODE) [--sub NAME] [--hours N]
 * Prints a bearer token for local use, signed with JWT_SECRET (the same default as `npm start`).
 */
import { ROLES, signToken, type Role } from '@dtc/platform';
import { DEV_JWT_SECRET } from '../start/dev-env';

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function fail(message: string): never {
  process.stderr.write(`${message}\nusage: npm run token -- --role ${ROLES.join('|')} [--commune 09955[,09956]] [--province 38] [--sub name] [--hours 8]\n`);
  process.exit(2);
}

const role = argument('role') as Role | undefined;
if (!role || !ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(', ')}`);
const communes = argument('commune')?.split(',').map((c) => c.trim());
const province = argument('province');
if (communes?.some((c) => !/^[0-9]{5}$/.test(c))) fail('--commune takes 5-digit commune codes');
if (province !== undefined && !/^[0-9]{2}$/.test(province)) fail('--province takes a 2-digit province code');
if (role !== 'operations' && !communes && !province) fail(`a ${role} token needs --commune or --province`);
const hours = Number(argument('hours') ?? 8);
if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 30) fail('--hours must be between 0 and 720');

const token = signToken(
  { secret: process.env.JWT_SECRET || DEV_JWT_SECRET, issuer: process.env.JWT_ISSUER || 'dtc-platform', audience: process.env.JWT_AUDIENCE || 'dtc-api' },
  { sub: argument('sub') ?? `local-${role}`, role, communes, province },
  Math.round(hours * 3600),
);
process.stdout.write(`${token}\n`);
