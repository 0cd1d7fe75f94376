/**
 * Onboarding a commune onto the shared installation, step by step, through the services' public
 * APIs (so the registry publishes its events and audits the writes; no other service's tables are
 * touched). Every step first looks at what is there, so running it again creates nothing twice
 * and still does the steps that are missing.
 */
import { ProgressBar, UsageError } from '@dtc/platform';
import { campaignMatches, type CampaignInput } from './campaign-input';
import type { ServiceClient } from './service-client';
import type { VillageInput } from './villages-input';

export interface CommuneInput {
  code: string;
  name?: string;
  provinceCode?: string;
  provinceName?: string;
}

export interface CommuneView {
  code: string;
  name: string;
  provinceCode: string;
  provinceName: string;
}

interface CampaignView {
  id: string;
  name: string;
  scope: 'commune' | 'province';
  communeCode: string | null;
  startsOn: string;
  endsOn: string;
  version: number;
  targets: Array<Record<string, unknown>>;
}

/** What each step found and did; filled in as the steps run, so a failure can still show it. */
export interface OnboardingReport {
  commune?: CommuneView & { created: boolean; differences: string[] };
  villages?: { given: number; created: string[]; existing: string[] };
  campaign?: { name: string; startsOn: string; endsOn: string; targets: number; outcome: 'created' | 'updated' | 'unchanged' };
}

/** Creating at least this many villages shows a progress bar. */
const PROGRESS_BAR_FROM = 10;

export class CommuneOnboarding {
  readonly report: OnboardingReport = {};

  constructor(
    private readonly registry: ServiceClient,
    private readonly reporting: ServiceClient,
  ) {}

  /** Checks that need the services but change nothing: a mistake stops here, before any write. */
  async preflight(commune: CommuneInput, campaign: CampaignInput | undefined): Promise<CommuneView | undefined> {
    const found = await this.registry.request<CommuneView>('GET', `/communes/${commune.code}`, [200, 404]);
    if (found.status === 404) {
      const needed = { name: commune.name, province: commune.provinceCode, 'province-name': commune.provinceName };
      const missing = Object.entries(needed).filter(([, value]) => value === undefined).map(([option]) => `--${option}`);
      if (missing.length) throw new UsageError(`commune ${commune.code} is not in the registry yet: creating it needs ${missing.join(', ')}`);
    }
    if (campaign) {
      const indicators = await this.reporting.request<Array<{ code: string }>>('GET', '/indicators', [200]);
      const known = new Set(indicators.body.map((indicator) => indicator.code));
      const unknown = campaign.targets.map((target) => target.indicatorCode).filter((code) => !known.has(code));
      if (unknown.length) throw new UsageError(`--target: unknown indicator ${unknown.join(', ')} (GET ${this.reporting.baseUrl}/indicators lists them)`);
    }
    return found.status === 200 ? found.body : undefined;
  }

  async ensureCommune(input: CommuneInput, existing: CommuneView | undefined): Promise<CommuneView> {
    let commune = existing;
    let created = false;
    if (!commune) {
      const wanted = { code: input.code, name: input.name!, provinceCode: input.provinceCode!, provinceName: input.provinceName! };
      const answer = await this.registry.request<CommuneView>('POST', '/communes', [201, 409], wanted);
      // 409: someone onboarded it between our look and our write; it is there all the same.
      created = answer.status === 201;
      commune = created ? answer.body : (await this.registry.request<CommuneView>('GET', `/communes/${input.code}`, [200])).body;
    }
    const differences = [
      input.name !== undefined && input.name !== commune.name ? `name "${commune.name}"` : '',
      input.provinceCode !== undefined && input.provinceCode !== commune.provinceCode ? `province ${commune.provinceCode}` : '',
      input.provinceName !== undefined && input.provinceName !== commune.provinceName ? `province name "${commune.provinceName}"` : '',
    ].filter(Boolean);
    this.report.commune = { ...commune, created, differences };
    return commune;
  }

  async ensureVillages(communeCode: string, villages: VillageInput[]): Promise<void> {
    const present = await this.registry.request<Array<{ code: string }>>('GET', `/communes/${communeCode}/villages`, [200]);
    const known = new Set(present.body.map((village) => village.code));
    const report = { given: villages.length, created: [] as string[], existing: villages.filter((v) => known.has(v.code)).map((v) => v.code) };
    this.report.villages = report;
    const missing = villages.filter((village) => !known.has(village.code));
    const bar = missing.length >= PROGRESS_BAR_FROM ? new ProgressBar('villages', missing.length) : undefined;
    for (const [index, village] of missing.entries()) {
      const answer = await this.registry.request('POST', `/communes/${communeCode}/villages`, [201, 409], { code: village.code, name: village.name });
      // 409: added meanwhile by someone else (e.g. the commune admin); it is there all the same.
      (answer.status === 201 ? report.created : report.existing).push(village.code);
      bar?.update(index + 1);
    }
    bar?.finish();
  }

  /** The commune's campaign of that name: created, brought up to date (window, targets), or left as it is. */
  async ensureCampaign(commune: CommuneView, campaign: CampaignInput): Promise<void> {
    const listed = await this.reporting.request<CampaignView[]>('GET', `/campaigns?communeCode=${commune.code}`, [200]);
    const same = listed.body.find((c) => c.scope === 'commune' && c.communeCode === commune.code && c.name === campaign.name);
    const summary = { name: campaign.name, startsOn: campaign.startsOn, endsOn: campaign.endsOn, targets: campaign.targets.length };
    if (!same) {
      await this.createCampaign(commune, campaign);
      this.report.campaign = { ...summary, outcome: 'created' };
    } else if (campaignMatches(same, campaign)) {
      this.report.campaign = { ...summary, outcome: 'unchanged' };
    } else {
      await this.reporting.request('PATCH', `/campaigns/${same.id}`, [200], { version: same.version, startsOn: campaign.startsOn, endsOn: campaign.endsOn, targets: campaign.targets });
      this.report.campaign = { ...summary, outcome: 'updated' };
    }
  }

  /**
   * Reporting takes a commune's province only from the registry's commune event, which reaches it
   * through Kafka a moment after the commune is created: until then it refuses the campaign (422
   * on communeCode, nothing written), so ask again within a bounded wait.
   */
  private async createCampaign(commune: CommuneView, campaign: CampaignInput): Promise<void> {
    const deadline = Date.now() + LEARN_COMMUNE_TIMEOUT_MS;
    for (;;) {
      const answer = await this.reporting.request<{ fields?: Array<{ field: string }> }>('POST', '/campaigns', [201, 422], { ...campaign, communeCode: commune.code });
      if (answer.status === 201) return;
      const unknownCommune = answer.body.fields?.some((f) => f.field === 'communeCode');
      if (!unknownCommune || Date.now() > deadline) {
        const reasons = (answer.body.fields ?? []).map((f) => JSON.stringify(f)).join(', ');
        throw new Error(`reporting refused the campaign (422${reasons ? `: ${reasons}` : ''})${unknownCommune ? `; it has not learned commune ${commune.code} from the registry's events within ${LEARN_COMMUNE_TIMEOUT_MS / 1000} s (is the registry's relay and reporting's consumer running? npm run ops -- outbox|consumers)` : ''}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** How long reporting may take to learn a newly onboarded commune from the registry's events. */
const LEARN_COMMUNE_TIMEOUT_MS = 60000;
