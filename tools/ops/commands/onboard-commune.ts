import { integerOption, numberOption, patternOption, UsageError } from '@dtc/platform';
import { defineCommand, print } from '../command';
import { ENVIRONMENT, serviceUrls } from '../environment';
import { campaignFromOptions } from '../onboarding/campaign-input';
import { CommuneOnboarding, type CommuneInput } from '../onboarding/onboard';
import { outcomeLines, stepsTable, tokensTable } from '../onboarding/report';
import { ServiceClient } from '../onboarding/service-client';
import { mergeVillages, villagesFromFile, villagesFromFlags } from '../onboarding/villages-input';
import { mintToken, operationsToken, servicesAcceptMintedTokens, type MintedToken } from '../tokens';

/** Commune and province names: 2-200 characters, as the registry requires. */
const nameOption = (option: string, raw: string | undefined) => {
  if (raw !== undefined && (raw.trim().length < 2 || raw.trim().length > 200)) throw new UsageError(`--${option} must be 2-200 characters (got "${raw}")`);
  return raw?.trim();
};

export const onboardCommuneCommand = defineCommand({
  name: 'onboard-commune',
  summary: 'Add a commune and its villages to the registry, set its campaign targets in reporting, mint its tokens (safe to rerun)',
  environment: [ENVIRONMENT.services, ENVIRONMENT.tokens, ENVIRONMENT.operationsToken],
  spec: {
    options: {
      code: { value: 'CODE', description: '5-digit official commune code', required: true },
      name: { value: 'NAME', description: 'commune name, e.g. "Xã Đông Hòa" (needed to create it)' },
      province: { value: 'CODE', description: '2-digit province code (needed to create it)' },
      'province-name': { value: 'NAME', description: 'province name, e.g. "Thanh Hóa" (needed to create it)' },
      village: { value: 'CODE=NAME', description: 'a village, hamlet or residential group, e.g. "THON-1=Thôn 1"', repeatable: true },
      'villages-file': { value: 'PATH', description: 'villages from a CSV file with a code,name header, or a JSON array of {"code","name"}' },
      campaign: { value: 'NAME', description: "name of the commune's campaign to create (or bring up to date)" },
      'starts-on': { value: 'DAY', description: 'first day of the campaign, YYYY-MM-DD' },
      'ends-on': { value: 'DAY', description: 'last day of the campaign, YYYY-MM-DD' },
      target: { value: 'INDICATOR=N|P%', description: 'a target: a count (residents_trained=150) or a share (cccd_applications=85%)', repeatable: true },
      'targets-file': { value: 'PATH', description: 'targets as a JSON array, as POST /campaigns takes them (populations, counting, values)' },
      admin: { value: 'NAME', description: "subject of the commune admin's token (default commune-admin-<code>)" },
      'field-agents': { value: 'N', description: 'also mint N field agent tokens, 0-100 (default 0)' },
      hours: { value: 'N', description: 'validity of the minted tokens in hours, up to 720 (default 8)' },
    },
  },
  async run({ options }) {
    // Everything that can be checked without the services is checked first.
    const commune: CommuneInput = {
      code: patternOption('code', options.code, /^[0-9]{5}$/, 'the 5-digit official commune code'),
      name: nameOption('name', options.name),
      provinceCode: options.province === undefined ? undefined : patternOption('province', options.province, /^[0-9]{2}$/, 'the 2-digit official province code'),
      provinceName: nameOption('province-name', options['province-name']),
    };
    const villages = mergeVillages(villagesFromFlags(options.village), options['villages-file'] ? villagesFromFile(options['villages-file']) : []);
    const campaign = campaignFromOptions(options);
    const fieldAgents = integerOption('field-agents', options['field-agents'], 0, 100) ?? 0;
    const hours = numberOption('hours', options.hours, 0.01, 720) ?? 8;
    const admin = options.admin ?? `commune-admin-${commune.code}`;

    const urls = serviceUrls();
    const token = operationsToken();
    const onboarding = new CommuneOnboarding(new ServiceClient('the household registry', urls.registry, token), new ServiceClient('reporting', urls.reporting, token));
    print(`onboarding commune ${commune.code} through ${urls.registry}${campaign ? ` and ${urls.reporting}` : ''}`);
    try {
      const existing = await onboarding.preflight(commune, campaign);
      const registered = await onboarding.ensureCommune(commune, existing);
      if (villages.length) await onboarding.ensureVillages(registered.code, villages);
      if (campaign) await onboarding.ensureCampaign(registered, campaign);
    } catch (error) {
      // Show what was done before the failure: rerunning after the fix does only the rest.
      if (onboarding.report.commune) print(`${stepsTable(onboarding.report)}\n`);
      throw error;
    }
    print(`\n${stepsTable(onboarding.report)}\n`);
    outcomeLines(onboarding.report).forEach((line) => print(line));

    if (!servicesAcceptMintedTokens()) {
      print('\ntokens: none minted (JWT_JWKS_URL is set: users get their tokens from the identity provider)');
      return;
    }
    const tokens: MintedToken[] = [
      mintToken({ role: 'commune_admin', subject: admin, communes: [commune.code], hours }),
      ...Array.from({ length: fieldAgents }, (_, index) => mintToken({ role: 'field_agent', subject: `field-agent-${commune.code}-${index + 1}`, communes: [commune.code], hours })),
    ];
    print(`\ntokens (valid ${hours} h, until ${tokens[0].expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC):`);
    print(tokensTable(tokens));
    // Reporting's /dashboard redirects to the console wherever CONSOLE_URL puts it; the fragment rides along.
    print(`\nconsole (commune official): ${urls.reporting}/dashboard#token=${tokens[0].token}`);
  },
});
