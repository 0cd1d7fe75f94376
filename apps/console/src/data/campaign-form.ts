import type { ReportingSchemas } from '@dtc/api-client';

export type TargetDto = ReportingSchemas['schemas']['TargetDto'];
export type TargetView = ReportingSchemas['schemas']['TargetView'];
export type CreateCampaign = ReportingSchemas['schemas']['CreateCampaignDto'];
export type Population = NonNullable<TargetDto['population']>;
export const POPULATIONS: Population[] = ['eligible_residents', 'adults', 'residents', 'households', 'organisations'];

/** How a target is set: a number to reach, a share of a population, or a reported value (percentages). */
export type TargetKind = 'count' | 'share' | 'value';

/** One target row as the form holds it: text fields as typed, turned into a TargetDto on save. */
export interface TargetRow {
  indicatorCode: string;
  kind: TargetKind;
  amount: string;
  population: Population | '';
  counting: 'window' | 'cumulative';
  /** province campaigns: per-commune counts as typed, commune code -> number */
  communeTargets: Array<{ communeCode: string; count: string }>;
}

export interface CampaignForm {
  name: string;
  startsOn: string;
  endsOn: string;
  targets: TargetRow[];
}

export const emptyTarget = (indicatorCode = ''): TargetRow => ({ indicatorCode, kind: 'count', amount: '', population: '', counting: 'window', communeTargets: [] });

/** The form of an existing campaign, to edit it. */
export function formOf(campaign: { name: string; startsOn: string; endsOn: string; targets: TargetView[] }): CampaignForm {
  return {
    name: campaign.name,
    startsOn: campaign.startsOn,
    endsOn: campaign.endsOn,
    targets: campaign.targets.map((target) => {
      const kind: TargetKind = target.sharePercent !== null && target.sharePercent !== undefined ? 'share' : target.targetValue !== null && target.targetValue !== undefined ? 'value' : 'count';
      const amount = kind === 'share' ? target.sharePercent : kind === 'value' ? target.targetValue : target.targetCount;
      return {
        indicatorCode: target.indicatorCode,
        kind,
        amount: amount === null || amount === undefined ? '' : String(amount),
        population: target.population ?? '',
        counting: target.counting,
        communeTargets: Object.entries(target.communeTargets ?? {}).map(([communeCode, count]) => ({ communeCode, count: String(count) })),
      };
    }),
  };
}

/** A number as an official types it: Vietnamese decimal comma or point, no thousands separators. */
function numberOf(text: string): number {
  const trimmed = text.trim().replace(',', '.');
  return trimmed === '' ? Number.NaN : Number(trimmed);
}

/**
 * The targets the API takes. What cannot be a number is sent as it is (NaN becomes null in JSON),
 * so the service's own validation names the field: one set of rules, the server's.
 */
export function targetsOf(rows: TargetRow[]): TargetDto[] {
  return rows.map((row) => {
    const amount = numberOf(row.amount);
    const communeTargets = row.communeTargets.filter((entry) => entry.communeCode.trim() !== '' || entry.count.trim() !== '');
    return {
      indicatorCode: row.indicatorCode,
      ...(row.kind === 'count' ? { targetCount: amount } : row.kind === 'share' ? { sharePercent: amount } : { targetValue: amount }),
      ...(row.kind === 'share' && row.population ? { population: row.population } : {}),
      counting: row.counting,
      ...(communeTargets.length > 0 ? { communeTargets: Object.fromEntries(communeTargets.map((entry) => [entry.communeCode.trim(), numberOf(entry.count)])) } : {}),
    };
  });
}
