/** How an onboarding run is shown to the operator: what was created, what was already there. */
import { formatTable } from '@dtc/platform';
import type { MintedToken } from '../tokens';
import type { OnboardingReport } from './onboard';

const LISTED_CODES = 10;

function codes(list: string[]): string {
  return list.length <= LISTED_CODES ? list.join(', ') : `${list.slice(0, LISTED_CODES).join(', ')}, …`;
}

/** One row per step: what, which, and what happened. */
export function stepsTable(report: OnboardingReport): string {
  const rows: string[][] = [];
  const { commune, villages, campaign } = report;
  if (commune) {
    const differs = commune.differences.length ? ` (the registry has ${commune.differences.join(', ')}; not changed)` : '';
    rows.push(['commune', `${commune.code} ${commune.name} (province ${commune.provinceCode} ${commune.provinceName})`, commune.created ? 'created' : `already there${differs}`]);
  }
  if (villages) {
    const parts = [villages.created.length ? `${villages.created.length} created` : '', villages.existing.length ? `${villages.existing.length} already there (${codes(villages.existing)})` : ''].filter(Boolean);
    rows.push(['villages', `${villages.given} given`, parts.join(', ') || 'none given']);
  }
  if (campaign) {
    const outcome = { created: `created with ${campaign.targets} target(s)`, updated: `already there; window and ${campaign.targets} target(s) updated`, unchanged: 'already there, window and targets unchanged' }[campaign.outcome];
    rows.push(['campaign', `"${campaign.name}" ${campaign.startsOn}..${campaign.endsOn}`, outcome]);
  }
  return formatTable(['step', 'what', 'result'], rows);
}

/** `created: …` / `already there: …` / `updated: …`, so a rerun says plainly that nothing was added. */
export function outcomeLines(report: OnboardingReport): string[] {
  const created: string[] = [];
  const existing: string[] = [];
  const updated: string[] = [];
  const { commune, villages, campaign } = report;
  if (commune) (commune.created ? created : existing).push(`commune ${commune.code}`);
  if (villages?.created.length) created.push(`${villages.created.length} village(s)`);
  if (villages?.existing.length) existing.push(`${villages.existing.length} village(s)`);
  if (campaign) ({ created, updated, unchanged: existing })[campaign.outcome].push(`campaign "${campaign.name}"`);
  return [`created: ${created.join(', ') || 'nothing'}`, `already there: ${existing.join(', ') || 'nothing'}`, ...(updated.length ? [`updated: ${updated.join(', ')}`] : [])];
}

export function tokensTable(tokens: MintedToken[]): string {
  return formatTable(['role', 'subject', 'token'], tokens.map((t) => [t.role, t.subject, t.token]));
}
