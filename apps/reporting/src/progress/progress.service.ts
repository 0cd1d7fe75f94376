import { Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { canAccessCommune, canAccessProvince, addDays, vietnamToday, type PreparedJson, type Principal } from '@dtc/platform';
import { knownProvinceOf } from '@dtc/messaging';
import type { EntityManager } from 'typeorm';
import type { CampaignView, TargetView } from '../campaigns/campaign.dto';
import { CAMPAIGN_MAX_DAYS, CampaignsService } from '../campaigns/campaigns.service';
import { FreshnessService } from '../freshness/freshness.service';
import { obstacleLabel } from '../indicators/obstacle-labels';
import { LiveUpdatesService } from '../live/live-updates.service';
import { ReportCache } from '../live/report-cache.service';
import { ProjectionStore } from '../projections/projection-store';
import { achievements, reportedValues, supports, type DayWindow, type Dimension, type Scope } from './achievements';
import { percentOf, progress, targetFromShare } from './arithmetic';
import type { Indicator } from './indicator';
import { populations, sumPopulations, type PopulationCounts } from './populations';
import type { CommuneProgress, IndicatorProgress, LeaderboardEntry, ProvinceProgress, SeriesPoint, TeamLeaderboard, CampaignSeries, VillageProgress, BriefProgress } from './progress.dto';

interface Plan {
  campaign: CampaignView;
  asOf: string;
  window: DayWindow;
  toDate: DayWindow;
  targets: Array<{ target: TargetView; indicator: Indicator }>;
}

const sum = (rows: Array<{ value: number }>) => rows.reduce((total, row) => total + row.value, 0);

/**
 * Campaign progress for a commune (with villages), a province (communes ranked, laggards
 * first), a commune's teams and a team's members, and daily series. Every figure of one answer
 * comes from one database snapshot, and answers are cached per scope until the scope changes.
 */
@Injectable()
export class ProgressService {
  constructor(
    private readonly store: ProjectionStore,
    private readonly campaigns: CampaignsService,
    private readonly cache: ReportCache,
    private readonly freshness: FreshnessService,
    private readonly live: LiveUpdatesService,
  ) {}

  /**
   * Figures (cached or not) with how fresh they are, read before them: the heads are a lower
   * bound of what the figures include, and never come from a cache.
   */
  private async fresh<T>(figures: () => Promise<Omit<T, 'dataAsOf'>>): Promise<T> {
    const dataAsOf = await this.freshness.current();
    return { ...(await figures()), dataAsOf } as T;
  }

  async commune(campaignId: string, communeCode: string | undefined, asOf: string | undefined, principal: Principal): Promise<CommuneProgress> {
    const { campaign, commune } = await this.communeScope(campaignId, communeCode, principal);
    return this.fresh<CommuneProgress>(() => this.cache.get({ kind: 'commune', code: commune.code }, ['commune', campaign, commune.code, asOf ?? vietnamToday()], () =>
      this.store.read(async (tx) => this.communeProgress(tx, this.plan(campaign, asOf, await this.catalogue(tx, campaign)), commune)),
    ));
  }

  /** The ProvinceProgress answer, serialized (see ReportCache.latestJson). */
  async province(campaignId: string, asOf: string | undefined, rankBy: string | undefined, principal: Principal): Promise<PreparedJson> {
    const campaign = await this.campaigns.get(campaignId, principal);
    if (campaign.communeCode) throw new UnprocessableEntityException({ message: 'Validation failed', fields: [{ field: 'campaignId', reason: 'a commune campaign has no province ranking; use /progress' }] });
    if (!canAccessProvince(principal, campaign.provinceCode)) throw new NotFoundException(`Campaign ${campaignId} not found`);
    const province = campaign.provinceCode;
    // The ranking is the costliest answer and its province changes many times a second in the
    // evening: readers get the last ranking at once, refreshed in the background (see ReportCache.latest).
    // Its freshness is stored with it: current stream heads would overstate what stale figures hold.
    return this.cache.latestJson(
      { kind: 'province', code: province },
      ['province', campaign, asOf ?? vietnamToday(), rankBy ?? null],
      () =>
        this.store.read(async (tx) => {
          const figures = await this.provinceProgress(tx, this.plan(campaign, asOf, await this.catalogue(tx, campaign)), rankBy);
          return { ...figures, dataAsOf: await this.freshness.read(tx) };
        }),
      () => void this.live.refreshed({ communes: [], provinces: [province] }),
    );
  }

  async teams(campaignId: string, communeCode: string | undefined, asOf: string | undefined, principal: Principal): Promise<TeamLeaderboard> {
    const { campaign, commune } = await this.communeScope(campaignId, communeCode, principal);
    return this.fresh<TeamLeaderboard>(() => this.cache.get({ kind: 'commune', code: commune.code }, ['teams', campaign, commune.code, asOf ?? vietnamToday()], () =>
      this.store.read(async (tx) => {
        const plan = this.plan(campaign, asOf, await this.catalogue(tx, campaign));
        const teams: Array<{ team_id: string; kind: string; members: number }> = await tx.query(
          `select t.team_id::text, t.kind, (select count(*)::int from team_members m where m.team_id = t.team_id and m.active) as members from teams t where t.commune_code = $1`,
          [commune.code],
        );
        const entries = await this.leaderboard(tx, plan, { communeCode: commune.code }, 'team');
        const known = new Map(teams.map((t) => [t.team_id, t]));
        for (const team of teams) if (!entries.some((e) => e.id === team.team_id)) entries.push(this.emptyEntry(plan, team.team_id));
        return { campaignId: campaign.id, communeCode: commune.code, asOf: plan.asOf, entries: rank(entries).map((e) => ({ ...e, kind: known.get(e.id)?.kind ?? null, members: known.get(e.id)?.members ?? null })) };
      }),
    ));
  }

  async team(campaignId: string, teamId: string, asOf: string | undefined, principal: Principal): Promise<TeamLeaderboard> {
    const campaign = await this.campaigns.get(campaignId, principal);
    return this.fresh<TeamLeaderboard>(() => this.store.read(async (tx) => {
      const [team]: Array<{ commune_code: string; province_code: string; kind: string }> = /^[0-9a-f-]{36}$/i.test(teamId) ? await tx.query('select commune_code, province_code, kind from teams where team_id = $1', [teamId]) : [];
      if (!team || !canAccessCommune(principal, team.commune_code, team.province_code) || (campaign.communeCode && campaign.communeCode !== team.commune_code)) throw new NotFoundException(`Team ${teamId} not found`);
      const plan = this.plan(campaign, asOf, await this.catalogue(tx, campaign));
      const members: Array<{ member_id: string; affiliation: string | null; active: boolean }> = await tx.query('select member_id::text, affiliation, active from team_members where team_id = $1', [teamId]);
      const entries = await this.leaderboard(tx, plan, { communeCode: team.commune_code, teamId }, 'member');
      for (const member of members) if (!entries.some((e) => e.id === member.member_id)) entries.push(this.emptyEntry(plan, member.member_id));
      const byId = new Map(members.map((m) => [m.member_id, m]));
      return {
        campaignId: campaign.id,
        communeCode: team.commune_code,
        teamId,
        asOf: plan.asOf,
        entries: rank(entries).map((e) => ({ ...e, kind: byId.get(e.id)?.affiliation ?? null, members: null, active: byId.get(e.id)?.active ?? null })),
      };
    }));
  }

  async series(campaignId: string, scope: { communeCode?: string; provinceCode?: string }, asOf: string | undefined, principal: Principal): Promise<CampaignSeries> {
    const campaign = await this.campaigns.get(campaignId, principal);
    const resolved = await this.seriesScope(campaign, scope, principal);
    return this.fresh<CampaignSeries>(() => this.cache.get(resolved.communeCode ? { kind: 'commune', code: resolved.communeCode } : { kind: 'province', code: resolved.provinceCode! }, ['series', campaign, resolved, asOf ?? vietnamToday()], () =>
      this.store.read(async (tx) => {
        const plan = this.plan(campaign, asOf, await this.catalogue(tx, campaign));
        const days = daysBetween(plan.window.from!, plan.window.to);
        const indicators = [];
        for (const { indicator } of plan.targets) {
          if (indicator.source === 'external') continue;
          const rows = await achievements(tx, indicator, resolved, plan.window, ['day']);
          const byDay = new Map(rows.map((row) => [row.day!, row.value]));
          let running = 0;
          const points: SeriesPoint[] = days.map((day) => {
            running += byDay.get(day) ?? 0;
            return { day, value: byDay.get(day) ?? 0, cumulative: running };
          });
          indicators.push({ code: indicator.code, labelVi: indicator.labelVi, labelEn: indicator.labelEn, points });
        }
        return { campaignId: campaign.id, communeCode: resolved.communeCode ?? null, provinceCode: resolved.provinceCode ?? null, asOf: plan.asOf, indicators };
      }),
    ));
  }

  /** The commune a progress request is about, checked against the caller and the campaign. */
  async communeScope(campaignId: string, communeCode: string | undefined, principal: Principal): Promise<{ campaign: CampaignView; commune: { code: string; province: string } }> {
    const campaign = await this.campaigns.get(campaignId, principal);
    const code = campaign.communeCode ?? communeCode;
    if (!code) throw new UnprocessableEntityException({ message: 'Validation failed', fields: [{ field: 'communeCode', reason: 'a province campaign needs the commune to report on' }] });
    if (campaign.communeCode && communeCode && communeCode !== campaign.communeCode) throw new UnprocessableEntityException({ message: 'Validation failed', fields: [{ field: 'communeCode', reason: `this campaign is for commune ${campaign.communeCode}` }] });
    // Always the commune's province as the registry published it, never the one stored with the campaign.
    const province = await this.store.read((tx) => knownProvinceOf(tx, code));
    if (!province || province !== campaign.provinceCode || !canAccessCommune(principal, code, province)) throw new NotFoundException(`No report for commune ${code} in this campaign`);
    return { campaign, commune: { code, province } };
  }

  /** What a live viewer of this campaign follows: one commune, or the whole province. */
  async liveScope(campaignId: string, communeCode: string | undefined, principal: Principal): Promise<{ communeCode?: string; provinceCode?: string }> {
    const campaign = await this.campaigns.get(campaignId, principal);
    return this.seriesScope(campaign, { communeCode }, principal);
  }

  private async seriesScope(campaign: CampaignView, scope: { communeCode?: string; provinceCode?: string }, principal: Principal): Promise<Scope> {
    if (campaign.communeCode || scope.communeCode) {
      const { commune } = await this.communeScope(campaign.id, scope.communeCode, principal);
      return { communeCode: commune.code };
    }
    if (!canAccessProvince(principal, campaign.provinceCode)) throw new NotFoundException(`Campaign ${campaign.id} not found`);
    return { provinceCode: campaign.provinceCode };
  }

  async catalogue(tx: EntityManager, campaign: CampaignView): Promise<Map<string, Indicator>> {
    return this.campaigns.indicators(tx, campaign.targets.map((t) => t.indicatorCode));
  }

  plan(campaign: CampaignView, asOf: string | undefined, catalogue: Map<string, Indicator>): Plan {
    const day = asOf ?? vietnamToday();
    const end = day < campaign.endsOn ? day : campaign.endsOn;
    return {
      campaign,
      asOf: day,
      window: { from: campaign.startsOn, to: end },
      toDate: { from: null, to: end },
      targets: campaign.targets.filter((t) => catalogue.has(t.indicatorCode)).map((target) => ({ target, indicator: catalogue.get(target.indicatorCode)! })),
    };
  }

  async communeProgress(tx: EntityManager, plan: Plan, commune: { code: string; province: string }): Promise<Omit<CommuneProgress, 'dataAsOf'>> {
    const scope = { communeCode: commune.code };
    const people = await populations(tx, scope, plan.asOf);
    const indicators: IndicatorProgress[] = [];
    const perVillage = new Map<string, Map<string, BriefProgress>>();
    for (const { target, indicator } of plan.targets) {
      const targetNumber = this.targetFor(target, sumPopulations(people), commune.code, 'commune');
      indicators.push(await this.indicatorProgress(tx, plan, target, indicator, scope, targetNumber));
      if (indicator.source === 'external') continue;
      const inWindow = await achievements(tx, indicator, scope, plan.window, ['village']);
      const toDate = target.counting === 'cumulative' ? await achievements(tx, indicator, scope, plan.toDate, ['village']) : inWindow;
      for (const row of people) {
        const achieved = toDate.find((r) => r.village === row.village)?.value ?? 0;
        const villageTarget = target.sharePercent !== null ? this.targetFor(target, row, commune.code, 'village') : null;
        const entry = perVillage.get(row.village) ?? new Map();
        entry.set(indicator.code, { code: indicator.code, achieved, target: villageTarget, percent: villageTarget === null ? null : percentOf(achieved, villageTarget) });
        perVillage.set(row.village, entry);
      }
      for (const row of toDate) if (!perVillage.has(row.village!)) perVillage.set(row.village!, new Map([[indicator.code, { code: indicator.code, achieved: row.value, target: null, percent: null }]]));
    }
    const villages = await this.villages(tx, commune.code, people, perVillage);
    const obstacles: Array<{ obstacle: string; households: number }> = await tx.query(
      'select obstacle, sum(households)::int as households from village_obstacles where commune_code = $1 group by obstacle having sum(households) > 0 order by 2 desc, 1',
      [commune.code],
    );
    const totals = sumPopulations(people);
    return {
      campaign: campaignSummary(plan.campaign),
      communeCode: commune.code,
      provinceCode: commune.province,
      asOf: plan.asOf,
      population: { residents: totals.residents, eligibleResidents: totals.eligible_residents, adults: totals.adults, households: totals.households, organisations: totals.organisations },
      households: {
        total: totals.households,
        withDigitalCore: villages.reduce((s, v) => s + v.withDigitalCore, 0),
        withSmartphone: villages.reduce((s, v) => s + v.withSmartphone, 0),
        visited: villages.reduce((s, v) => s + v.visited, 0),
        obstacles: obstacles.map((o) => ({ obstacle: o.obstacle, ...obstacleLabel(o.obstacle), households: o.households })),
      },
      organisations: { total: totals.organisations, eIdentified: villages.reduce((s, v) => s + v.organisationsEIdentified, 0) },
      indicators,
      villages,
    };
  }

  async provinceProgress(tx: EntityManager, plan: Plan, rankBy: string | undefined): Promise<Omit<ProvinceProgress, 'dataAsOf' | 'computedAt' | 'refreshing'>> {
    const province = plan.campaign.provinceCode;
    const scope = { provinceCode: province };
    const people = await populations(tx, scope, plan.asOf);
    const communes = new Map<string, PopulationCounts>();
    for (const row of people) communes.set(row.commune, sumPopulations([communes.get(row.commune) ?? sumPopulations([]), row]));
    const known: Array<{ code: string }> = await tx.query('select code from known_communes where province_code = $1', [province]);
    for (const { code } of known) if (!communes.has(code)) communes.set(code, sumPopulations([]));
    const indicators: IndicatorProgress[] = [];
    const rows = new Map<string, BriefProgress[]>([...communes.keys()].map((code) => [code, []]));
    for (const { target, indicator } of plan.targets) {
      indicators.push(await this.indicatorProgress(tx, plan, target, indicator, scope, this.targetFor(target, sumPopulations(people), null, 'province')));
      const values =
        indicator.source === 'external'
          ? (await reportedValues(tx, indicator, scope, plan.window)).map((r) => ({ commune: r.commune, value: r.value }))
          : await achievements(tx, indicator, scope, target.counting === 'cumulative' ? plan.toDate : plan.window, ['commune']);
      for (const [code, counts] of communes) {
        const achieved = values.find((v) => v.commune === code)?.value ?? 0;
        const communeTarget = this.targetFor(target, counts, code, 'commune');
        rows.get(code)!.push({ code: indicator.code, achieved, target: communeTarget, percent: communeTarget === null ? null : percentValue(achieved, communeTarget) });
      }
    }
    const ranking = rankBy ?? plan.targets[0]?.indicator.code;
    const entries = [...rows.entries()].map(([communeCode, list]) => {
      const key = list.find((p) => p.code === ranking);
      return { communeCode, rankPercent: key?.percent ?? null, rankAchieved: key?.achieved ?? 0, indicators: list };
    });
    // Laggards first: lowest share of target, then (no target) fewest achieved.
    entries.sort((a, b) => (a.rankPercent ?? Infinity) - (b.rankPercent ?? Infinity) || a.rankAchieved - b.rankAchieved || a.communeCode.localeCompare(b.communeCode));
    return {
      campaign: campaignSummary(plan.campaign),
      provinceCode: province,
      asOf: plan.asOf,
      rankedBy: ranking ?? null,
      indicators,
      communes: entries.map((entry, i) => ({ rank: i + 1, communeCode: entry.communeCode, percent: entry.rankPercent, indicators: entry.indicators })),
    };
  }

  /** Resolves a target to a number for a commune, a village or a whole province; null when it has none there. */
  targetFor(target: TargetView, counts: PopulationCounts, communeCode: string | null, level: 'province' | 'commune' | 'village'): number | null {
    if (target.targetValue !== null) return target.targetValue;
    if (target.sharePercent !== null && target.population) return targetFromShare(target.sharePercent, counts[target.population]);
    if (target.targetCount === null) return null;
    if (level === 'province') return target.targetCount;
    if (level === 'commune' && target.communeTargets && communeCode) return target.communeTargets[communeCode] ?? null;
    return level === 'commune' && !target.communeTargets ? target.targetCount : null;
  }

  private async indicatorProgress(tx: EntityManager, plan: Plan, target: TargetView, indicator: Indicator, scope: Scope, targetNumber: number | null): Promise<IndicatorProgress> {
    const base = { code: indicator.code, labelVi: indicator.labelVi, labelEn: indicator.labelEn, unit: indicator.unit, definition: indicator.definition, counting: target.counting, target: targetNumber, targetSpec: target };
    if (indicator.source === 'external') {
      const values = await reportedValues(tx, indicator, scope, plan.window);
      const value = values.length ? Math.round((values.reduce((s, v) => s + v.value, 0) / values.length) * 100) / 100 : null;
      const percent = value === null || targetNumber === null ? null : percentValue(value, targetNumber);
      return { ...base, achieved: value, addedInWindow: null, achievedToDate: value, percent, remaining: null, dailyRunRate: null, projectedCompletion: null, atRisk: percent !== null && percent < 100 && plan.asOf >= plan.campaign.endsOn, daysElapsed: null, daysLeft: null, reportedPeriods: values.map((v) => v.period) };
    }
    const added = sum(await achievements(tx, indicator, scope, plan.window, []));
    const toDate = target.counting === 'cumulative' ? sum(await achievements(tx, indicator, scope, plan.toDate, [])) : added;
    if (targetNumber === null) {
      return { ...base, achieved: toDate, addedInWindow: added, achievedToDate: toDate, percent: null, remaining: null, dailyRunRate: null, projectedCompletion: null, atRisk: false, daysElapsed: null, daysLeft: null };
    }
    const figures = progress({ achieved: toDate, target: targetNumber, startsOn: plan.campaign.startsOn, endsOn: plan.campaign.endsOn, asOf: plan.asOf, addedInWindow: added });
    return { ...base, ...figures, achieved: toDate, addedInWindow: added, achievedToDate: toDate };
  }

  private async villages(tx: EntityManager, communeCode: string, people: Array<{ village: string } & PopulationCounts>, perVillage: Map<string, Map<string, BriefProgress>>): Promise<VillageProgress[]> {
    const facts: Array<{ village_id: string; village_code: string | null; village_name: string | null; households: number | null; with_core: number; with_phone: number; visited: number; orgs_identified: number }> = await tx.query(
      `select coalesce(h.village_id, f.village_id)::text as village_id, coalesce(h.village_code, v.village_code) as village_code, coalesce(v.village_name, h.village_name) as village_name, h.households,
              coalesce(f.households_with_digital_core, 0)::int as with_core, coalesce(f.households_with_smartphone, 0)::int as with_phone,
              coalesce(f.households_visited, 0)::int as visited, coalesce(f.organisations_e_identified, 0)::int as orgs_identified
       from village_households h full join (select * from village_facts where commune_code = $1) f on f.village_id = h.village_id and f.commune_code = h.commune_code
       left join villages v on v.village_id = coalesce(h.village_id, f.village_id)
       where coalesce(h.commune_code, f.commune_code) = $1`,
      [communeCode],
    );
    const ids = new Set([...facts.map((f) => f.village_id), ...people.map((p) => p.village), ...perVillage.keys()]);
    return [...ids]
      .map((id) => {
        const fact = facts.find((f) => f.village_id === id);
        const counts = people.find((p) => p.village === id);
        return {
          villageId: id,
          villageCode: fact?.village_code ?? null,
          villageName: fact?.village_name ?? null,
          households: fact?.households ?? 0,
          residents: counts?.residents ?? 0,
          eligibleResidents: counts?.eligible_residents ?? 0,
          withDigitalCore: fact?.with_core ?? 0,
          withSmartphone: fact?.with_phone ?? 0,
          visited: fact?.visited ?? 0,
          organisations: counts?.organisations ?? 0,
          organisationsEIdentified: fact?.orgs_identified ?? 0,
          indicators: [...(perVillage.get(id)?.values() ?? [])],
        };
      })
      .sort((a, b) => (a.villageCode ?? `~${a.villageId}`).localeCompare(b.villageCode ?? `~${b.villageId}`));
  }

  private async leaderboard(tx: EntityManager, plan: Plan, scope: Scope & { teamId?: string }, by: 'team' | 'member'): Promise<LeaderboardEntry[]> {
    const entries = new Map<string, LeaderboardEntry>();
    for (const { target, indicator } of plan.targets) {
      if (!supports(indicator, by)) continue;
      const rows = await achievements(tx, indicator, scope, target.counting === 'cumulative' ? plan.toDate : plan.window, scope.teamId ? ['team', by] : [by]);
      for (const row of rows) {
        if (scope.teamId && row.team !== scope.teamId) continue;
        const id = row[by]!;
        if (id === '00000000-0000-0000-0000-000000000000') continue;
        const entry = entries.get(id) ?? this.emptyEntry(plan, id);
        const item = entry.indicators.find((i) => i.code === indicator.code)!;
        item.achieved += row.value;
        entry.total += row.value;
        entries.set(id, entry);
      }
    }
    return [...entries.values()];
  }

  private emptyEntry(plan: Plan, id: string): LeaderboardEntry {
    return {
      rank: 0,
      id,
      total: 0,
      indicators: plan.targets.filter(({ indicator }) => supports(indicator, 'member')).map(({ indicator }) => ({ code: indicator.code, achieved: 0, target: null, percent: null })),
    };
  }
}

function rank<T extends LeaderboardEntry>(entries: T[]): T[] {
  return entries.sort((a, b) => b.total - a.total || a.id.localeCompare(b.id)).map((entry, i) => ({ ...entry, rank: i + 1 }));
}

function percentValue(achieved: number, target: number): number {
  return percentOf(Math.round(achieved * 100), Math.round(target * 100));
}

function campaignSummary(campaign: CampaignView) {
  return { id: campaign.id, name: campaign.name, scope: campaign.scope, communeCode: campaign.communeCode, provinceCode: campaign.provinceCode, startsOn: campaign.startsOn, endsOn: campaign.endsOn };
}

/** The window's days; never more than a campaign may last (rows stored before windows were bounded included). */
function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = to; day >= from && days.length < CAMPAIGN_MAX_DAYS; day = addDays(day, -1)) days.push(day);
  return days.reverse();
}

export type { Dimension };
