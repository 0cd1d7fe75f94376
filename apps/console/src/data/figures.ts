import { addDays } from '@dtc/calendar';
import type { CampaignView, CommuneMember, CommuneProgress, DataAsOf, HouseholdMap, PlanProgress, ProvinceProgress, TeamLeaderboard, TeamView } from './api';

export type Language = 'vi' | 'en';

export const locale = (language: Language) => (language === 'vi' ? 'vi-VN' : 'en-GB');

/** A count or a share as officials read it; "–" when there is no figure (no target, no data). */
export function formatNumber(value: number | null | undefined, language: Language, digits = 0): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return value.toLocaleString(locale(language), { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** An instant on the Vietnam clock, as officials read it; "–" when there is none. */
export function formatTime(iso: string | null | undefined, language: Language, timeStyle: 'short' | 'medium' = 'short'): string {
  if (!iso) return '–';
  return new Date(iso).toLocaleString(locale(language), { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle });
}

export const formatPercent = (value: number | null | undefined, language: Language) => (value === null || value === undefined ? '–' : `${formatNumber(value, language, 1)}%`);

/** A leaderboard row with the team's name and members as the training service knows them. */
export interface NamedTeamRow {
  rank: number;
  id: string;
  name: string;
  kind?: string;
  members: number;
  active: boolean;
  total: number;
  indicators: TeamLeaderboard['entries'][number]['indicators'];
}

/** The reporting leaderboard keys teams by id; officials know them by name. */
export function namedTeams(board: TeamLeaderboard, teams: TeamView[]): NamedTeamRow[] {
  const byId = new Map(teams.map((team) => [team.id, team]));
  return board.entries.map((entry) => {
    const team = byId.get(entry.id);
    return {
      rank: entry.rank,
      id: entry.id,
      // A team formed a moment ago may not have reached this page's copy of the teams yet.
      name: team?.name ?? entry.id.slice(0, 8),
      kind: team?.kind ?? entry.kind ?? undefined,
      members: entry.members ?? 0,
      // The leaderboard says whether the team is active; a missing answer means it is.
      active: entry.active ?? true,
      total: entry.total,
      indicators: entry.indicators,
    };
  });
}

export const memberNames = (members: CommuneMember[]) => new Map(members.map((member) => [member.id, member.fullName]));

/** Communes furthest behind first (no figure counts as furthest behind), ties by code. */
export function laggardsFirst(communes: ProvinceProgress['communes']): ProvinceProgress['communes'] {
  return [...communes].sort((a, b) => (a.percent ?? -1) - (b.percent ?? -1) || a.communeCode.localeCompare(b.communeCode));
}

/**
 * The days the honour roll (and the plans) cover: the campaign's days up to the report day, at
 * most the 366 the API accepts; a campaign that has not begun shows the report day. The report day
 * is the one chosen, else the server's today (the `asOf` of its last answer): never this
 * computer's clock, which may be a day off.
 */
export function campaignDaysUpTo(campaign: Pick<CampaignView, 'startsOn' | 'endsOn'>, reportDay: string): { from: string; to: string } {
  const to = campaign.endsOn < reportDay ? campaign.endsOn : reportDay;
  if (campaign.startsOn > to) return { from: to, to };
  const earliest = addDays(to, -366);
  return { from: campaign.startsOn < earliest ? earliest : campaign.startsOn, to };
}

/**
 * The moment up to which the figures hold every event: the oldest of the streams' newest events.
 * A stream that has carried no event yet holds nothing back, so it does not count.
 */
export function figuresUpTo(dataAsOf: DataAsOf | null | undefined): string | undefined {
  if (!dataAsOf) return undefined;
  if (dataAsOf.oldestStreamAt) return dataAsOf.oldestStreamAt;
  const newest = dataAsOf.streams.map((stream) => stream.newestEventAt).filter((at): at is string => Boolean(at));
  return newest.length > 0 ? newest.reduce((oldest, at) => (Date.parse(at) < Date.parse(oldest) ? at : oldest)) : undefined;
}

/** Why a commune lags, as a province officer asks: what the teams met, where, and who is behind plan. */
export interface LagReasons {
  /** the obstacles recorded most, with the households that met them */
  obstacles: Array<{ labelVi: string; labelEn: string; households: number }>;
  /** the villages with the most households not yet visited */
  villages: Array<{ name: string; notVisited: number }>;
  /** teams whose households done so far are below their plan so far */
  teamsBehindPlan: string[];
  /** the villages with the most households without mobile signal (the registry's map) */
  noSignalVillages: Array<{ name: string; households: number }>;
}

export function lagReasons(progress: Pick<CommuneProgress, 'households' | 'villages'>, plans?: Pick<PlanProgress, 'groups'>, map?: Pick<HouseholdMap, 'villages'>, top = 2): LagReasons {
  return {
    obstacles: [...progress.households.obstacles]
      .sort((a, b) => b.households - a.households)
      .slice(0, top)
      .map(({ labelVi, labelEn, households }) => ({ labelVi, labelEn, households })),
    villages: progress.villages
      .map((village) => ({ name: village.villageName || village.villageCode || village.villageId, notVisited: village.households - village.visited }))
      .filter((village) => village.notVisited > 0)
      .sort((a, b) => b.notVisited - a.notVisited || a.name.localeCompare(b.name))
      .slice(0, top),
    teamsBehindPlan: (plans?.groups ?? []).filter((group) => group.households?.behindPlan === true).map((group) => group.teamName ?? group.teamId ?? '–'),
    noSignalVillages: (map?.villages ?? [])
      .filter((village) => village.noSignal > 0)
      .sort((a, b) => b.noSignal - a.noSignal || a.name.localeCompare(b.name))
      .slice(0, top)
      .map((village) => ({ name: village.name, households: village.noSignal })),
  };
}
