import { enrollmentApi, registryApi, reportingApi, trainingApi, type EnrollmentSchemas, type RegistrySchemas, type ReportingSchemas, type TrainingSchemas } from '@dtc/api-client';
import type { CreateCampaign, TargetDto } from './campaign-form';
import type { HealthReport, ServiceKey } from './ops';
import type { PlanFields } from './plan-form';

/** The services under the console's own origin (`/api/<service>/`): no CORS, one place to configure. */
export const apiBase = (service: 'registry' | 'enrollment' | 'training' | 'reporting') => `${location.origin}/api/${service}`;

export type CampaignView = ReportingSchemas['schemas']['CampaignView'];
export type CommuneProgress = ReportingSchemas['schemas']['CommuneProgress'];
export type IndicatorProgress = ReportingSchemas['schemas']['IndicatorProgress'];
export type ProvinceProgress = ReportingSchemas['schemas']['ProvinceProgress'];
export type TeamLeaderboard = ReportingSchemas['schemas']['TeamLeaderboard'];
export type CampaignSeries = ReportingSchemas['schemas']['CampaignSeries'];
export type Commendations = ReportingSchemas['schemas']['CommendationsView'];
export type DataAsOf = ReportingSchemas['schemas']['DataAsOf'];
export type PlanProgress = ReportingSchemas['schemas']['PlanProgressView'];
export type TeamView = TrainingSchemas['schemas']['TeamView'];
export type CommuneMember = TrainingSchemas['schemas']['CommuneMemberView'];
export type CommuneView = RegistrySchemas['schemas']['CommuneView'];
export type VillageView = RegistrySchemas['schemas']['VillageView'];
export type HouseholdMap = RegistrySchemas['schemas']['HouseholdMapView'];
export type IndicatorView = ReportingSchemas['schemas']['IndicatorView'];
export type IndicatorValue = ReportingSchemas['schemas']['IndicatorValueView'];
export type DuplicateFlag = RegistrySchemas['schemas']['DuplicateFlagView'];
export type ResidentView = RegistrySchemas['schemas']['ResidentView'];
export type EnrollmentView = EnrollmentSchemas['schemas']['EnrollmentView'];
export type SyncHealth = EnrollmentSchemas['schemas']['SyncHealthView'];
export type ReturnedVisit = RegistrySchemas['schemas']['ReturnedVisitView'];
export type ReturnedStep = EnrollmentSchemas['schemas']['ReturnedStepView'];
export type HouseholdMapStatus = HouseholdMap['households'][number]['status'];

/** How the console draws maps here (GET /console/config.json): a tile server, or none (an empty base). */
export interface ConsoleConfig {
  mapTileUrl?: string;
  mapAttribution?: string;
  /** Grafana's base URL, linked from the operations page */
  grafanaUrl?: string;
}

export async function consoleConfig(): Promise<ConsoleConfig> {
  try {
    const response = await fetch(`${location.origin}/console/config.json`, { cache: 'no-store' });
    return response.ok ? ((await response.json()) as ConsoleConfig) : {};
  } catch {
    return {};
  }
}
export type FormTeam = TrainingSchemas['schemas']['FormTeamDto'];
export type JoinTeam = TrainingSchemas['schemas']['JoinTeamDto'];
export type Affiliation = NonNullable<JoinTeam['affiliation']>;
export type TeamKind = FormTeam['kind'];

/** A refused or failed request, with the server's reason (a problem document) when it gave one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** the fields the service refused, with its reasons */
    readonly fields: Array<{ field: string; reason: string }> = [],
  ) {
    super(message);
  }
  get expired(): boolean {
    return this.status === 401;
  }
}

interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

function reasonOf(error: unknown, response: Response): string {
  const problem = (error ?? {}) as { message?: unknown; detail?: unknown; title?: unknown; fields?: Array<{ field: string; reason: string }> };
  const fields = problem.fields?.map((f) => `${f.field}: ${f.reason}`).join('; ');
  return [String(problem.message ?? problem.detail ?? problem.title ?? response.statusText), fields].filter(Boolean).join(' — ');
}

async function must<T>(pending: Promise<Outcome<T>>): Promise<T> {
  let outcome: Outcome<T>;
  try {
    outcome = await pending;
  } catch {
    throw new ApiError(0, 'network');
  }
  if (outcome.data !== undefined) return outcome.data;
  throw new ApiError(outcome.response.status, reasonOf(outcome.error, outcome.response), (outcome.error as { fields?: ApiError['fields'] } | undefined)?.fields ?? []);
}

export interface ReportView {
  communeCode?: string;
  /** report day (Vietnam calendar, YYYY-MM-DD) */
  asOf?: string;
}

/** What the console reads, through the clients generated from the services' OpenAPI documents. */
export function consoleApi(token: string) {
  const reporting = reportingApi({ baseUrl: apiBase('reporting'), token });
  const training = trainingApi({ baseUrl: apiBase('training'), token });
  const registry = registryApi({ baseUrl: apiBase('registry'), token });
  const enrollment = enrollmentApi({ baseUrl: apiBase('enrollment'), token });
  // The ops endpoints are one controller in every service (libs/messaging): each client has them, typed alike.
  const opsClient = (service: ServiceKey) => ({ registry, enrollment, training, reporting })[service] as unknown as typeof registry;
  /** Which commune (within a province campaign) and which report day (today when absent). */
  const view = ({ communeCode, asOf }: ReportView) => ({ ...(communeCode ? { communeCode } : {}), ...(asOf ? { asOf } : {}) });
  return {
    campaigns: () => must(reporting.GET('/campaigns', { params: { query: {} } })),
    progress: (id: string, report: ReportView) => must(reporting.GET('/campaigns/{id}/progress', { params: { path: { id }, query: view(report) } })),
    provinceProgress: (id: string, asOf?: string) => must(reporting.GET('/campaigns/{id}/province-progress', { params: { path: { id }, query: view({ asOf }) } })),
    teams: (id: string, report: ReportView) => must(reporting.GET('/campaigns/{id}/teams', { params: { path: { id }, query: view(report) } })),
    series: (id: string, report: ReportView) => must(reporting.GET('/campaigns/{id}/series', { params: { path: { id }, query: view(report) } })),
    commendations: (communeCode: string, window: { from: string; to: string }) => must(reporting.GET('/communes/{code}/commendations', { params: { path: { code: communeCode }, query: window } })),
    /** The commune's teams against their micro-plans over the campaign window. */
    teamPlans: (communeCode: string, window: { from: string; to: string }) =>
      must(reporting.GET('/communes/{code}/plan-progress', { params: { path: { code: communeCode }, query: { ...window, groupBy: 'team' } } })),
    communeTeams: (communeCode: string) => must(training.GET('/teams', { params: { query: { communeCode } } })),
    communeMembers: (communeCode: string) => must(training.GET('/communes/{code}/members', { params: { path: { code: communeCode } } })),
    commune: (code: string) => must(registry.GET('/communes/{code}', { params: { path: { code } } })),
    villages: (code: string) => must(registry.GET('/communes/{code}/villages', { params: { path: { code } } })),
    householdMap: (code: string) => must(registry.GET('/communes/{code}/household-map', { params: { path: { code } } })),
    addVillage: (code: string, village: { code: string; name: string }) => must(registry.POST('/communes/{code}/villages', { params: { path: { code } }, body: village })),
    renameVillage: (code: string, villageId: string, name: string) => must(registry.PATCH('/communes/{code}/villages/{villageId}', { params: { path: { code, villageId } }, body: { name } })),
    formTeam: (team: FormTeam) => must(training.POST('/teams', { body: team })),
    joinTeam: (teamId: string, member: JoinTeam) => must(training.POST('/teams/{id}/members', { params: { path: { id: teamId } }, body: member })),
    leaveTeam: (teamId: string, memberId: string) => must(training.POST('/teams/{id}/members/{memberId}/leave', { params: { path: { id: teamId, memberId } }, body: {} })),
    assignVillages: (teamId: string, villageIds: string[]) => must(training.PUT('/teams/{id}/villages', { params: { path: { id: teamId } }, body: { villageIds } })),
    indicators: () => must(reporting.GET('/indicators')),
    createCampaign: (campaign: CreateCampaign) => must(reporting.POST('/campaigns', { body: campaign })),
    updateCampaign: (id: string, change: { version: number; name: string; startsOn: string; endsOn: string; targets: TargetDto[] }) =>
      must(reporting.PATCH('/campaigns/{id}', { params: { path: { id } }, body: change })),
    indicatorValues: (communeCode: string) => must(reporting.GET('/communes/{code}/indicator-values', { params: { path: { code: communeCode }, query: {} } })),
    reportIndicatorValue: (communeCode: string, indicatorCode: string, period: string, value: number) =>
      must(reporting.PUT('/communes/{code}/indicator-values/{indicatorCode}/{period}', { params: { path: { code: communeCode, indicatorCode, period } }, body: { value } })),
    openDuplicateFlags: (communeCode: string) => must(registry.GET('/duplicate-flags', { params: { query: { communeCode, status: 'open' } } })),
    resolveDuplicateFlag: (id: string, decision: 'duplicate' | 'not_duplicate') => must(registry.POST('/duplicate-flags/{id}/resolve', { params: { path: { id } }, body: { decision } })),
    resident: (id: string) => must(registry.GET('/residents/{id}', { params: { path: { id } } })),
    services: () => must(enrollment.GET('/services')),
    returnedVisits: (communeCode: string) => must(registry.GET('/visits/returned', { params: { query: { communeCode } } })),
    returnedSteps: (communeCode: string) => must(enrollment.GET('/enrollments/returned', { params: { query: { communeCode } } })),
    overduePendingEnrollments: (communeCode: string) => must(enrollment.GET('/enrollments/pending', { params: { query: { communeCode } } })),
    /** Each member's uploads to the three services that take field work, over the last `days` days. */
    syncHealth: (communeCode: string, days: number) =>
      Promise.all([
        must(registry.GET('/sync/health', { params: { query: { communeCode, days } } })),
        must(enrollment.GET('/sync/health', { params: { query: { communeCode, days } } })),
        must(training.GET('/sync/health', { params: { query: { communeCode, days } } })),
      ]),
    plans: (communeCode: string) => must(training.GET('/plans', { params: { query: { communeCode } } })),
    createPlan: (communeCode: string, fields: PlanFields) => must(training.POST('/plans', { body: { communeCode, ...fields } })),
    updatePlan: (id: string, version: number, fields: PlanFields) => must(training.PUT('/plans/{id}', { params: { path: { id } }, body: { version, ...fields } })),
    withdrawPlan: (id: string, version: number, reason?: string) => must(training.POST('/plans/{id}/withdraw', { params: { path: { id } }, body: { version, ...(reason ? { reason } : {}) } })),
    villageHouseholds: (communeCode: string, villageCode: string) => must(registry.GET('/households', { params: { query: { communeCode, villageCode, pageSize: 200 } } })),
    opsStatus: (service: ServiceKey) => must(opsClient(service).GET('/ops/status')),
    deadLetters: (service: ServiceKey, consumer: string) => must(opsClient(service).GET('/ops/dead-letters/{consumer}', { params: { path: { consumer } } })),
    replayDeadLetters: (service: ServiceKey, consumer: string) => must(opsClient(service).POST('/ops/dead-letters/{consumer}/replay', { params: { path: { consumer } }, body: {} })),
    /** Readiness (public): 200 or 503 with the same report; undefined when the service does not answer at all. */
    async health(service: ServiceKey): Promise<HealthReport | undefined> {
      try {
        const response = await fetch(`${apiBase(service)}/health`, { cache: 'no-store' });
        return response.status === 200 || response.status === 503 ? ((await response.json()) as HealthReport) : undefined;
      } catch {
        return undefined;
      }
    },
    /** A report file (CSV or XLSX) fetched with the token, handed to the browser as a download. */
    async download(path: string, fileName: string): Promise<void> {
      const response = await fetch(`${apiBase('reporting')}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new ApiError(response.status, response.statusText);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  };
}
export type ConsoleApi = ReturnType<typeof consoleApi>;
