import { numberOption, ROLES, scopeClaimProblem, UsageError, type Role } from '@dtc/platform';
import { defineCommand, print } from '../command';
import { ENVIRONMENT } from '../environment';
import { mintToken } from '../tokens';

const COMMUNE = /^[0-9]{5}$/;
const PROVINCE = /^[0-9]{2}$/;

/** Prints only the token, so `TOKEN=$(npm run -s token -- ...)` works. */
export const tokenCommand = defineCommand({
  name: 'token',
  summary: 'Print a bearer token for a role and its communes or province (signed with JWT_SECRET)',
  environment: [ENVIRONMENT.tokens],
  spec: {
    options: {
      role: { value: 'ROLE', description: `one of ${ROLES.join(', ')}`, required: true },
      commune: { value: 'CODE[,CODE]', description: '5-digit commune codes the token may act on' },
      province: { value: 'CODE', description: '2-digit province code (province officers, integrators)' },
      sub: { value: 'NAME', description: 'subject, shown in audit entries (default local-<role>)' },
      hours: { value: 'N', description: 'validity in hours, up to 720 (default 8)' },
    },
  },
  async run({ options }) {
    const role = options.role as Role;
    if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')} (got "${options.role}")`);
    const communes = options.commune?.split(',').map((code) => code.trim());
    const bad = communes?.find((code) => !COMMUNE.test(code));
    if (bad !== undefined) throw new UsageError(`--commune takes 5-digit commune codes, comma-separated (got "${bad}")`);
    if (options.province !== undefined && !PROVINCE.test(options.province)) throw new UsageError(`--province takes a 2-digit province code (got "${options.province}")`);
    const scopeProblem = scopeClaimProblem(role, { communes, province: options.province });
    if (scopeProblem) throw new UsageError(`${scopeProblem} (--commune for field agents and commune admins, --province for province officers and integrators, neither for operations)`);
    if (role !== 'operations' && !communes && !options.province) throw new UsageError(`a ${role} token needs ${role === 'province_officer' || role === 'integrator' ? '--province' : '--commune'}`);
    const hours = numberOption('hours', options.hours, 0.01, 720) ?? 8;
    print(mintToken({ role, subject: options.sub ?? `local-${role}`, communes, province: options.province, hours }).token);
  },
});
