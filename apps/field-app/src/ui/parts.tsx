import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import type { QueuedCommand, Village } from '../data/db';
import type { TFunction } from 'i18next';
import type { Assignment } from '../data/session';
import { useApp, type Screen } from './context';

/** "← Quay lại" at the top of a screen. */
export function BackButton({ to, onClick }: { to?: Screen; onClick?: () => void }) {
  const { t } = useTranslation();
  const { go } = useApp();
  return (
    <button type="button" className="link" onClick={onClick ?? (() => go(to ?? { name: 'home' }))}>
      ← {t('app.back')}
    </button>
  );
}

/** The commune's villages as the phone downloaded them. */
export function useVillages(): Village[] {
  const { db } = useApp();
  return useLiveQuery(() => db.villages.toArray(), [db]) ?? [];
}

/** A village picker; with `anyLabel`, a first option for "no particular village". */
export function VillageSelect({ villages, value, onChange, required, anyLabel }: { villages: Village[]; value: string; onChange(villageId: string): void; required?: boolean; anyLabel?: string }) {
  return (
    <select required={required} value={value} onChange={(event) => onChange(event.target.value)}>
      {anyLabel !== undefined && <option value="">{anyLabel}</option>}
      {villages.map((village) => (
        <option key={village.id} value={village.id}>
          {village.name}
        </option>
      ))}
    </select>
  );
}

/** A queued command's label, with the status it moves to in the member's language. */
export function queueLabel(item: QueuedCommand, t: TFunction): string {
  if (!item.labelStatus) return item.label;
  const { kind, code } = item.labelStatus;
  const status = kind === 'enrollmentState' ? t(`enrollmentState.${code}`, { defaultValue: code }) : t(`organisation.eId_${code}`, { defaultValue: code });
  return `${item.label} → ${status}`;
}

/** The villages a team covers (all of the commune's when it names none). */
export function villagesOfTeam(team: Assignment['teams'][number] | undefined, villages: Village[]): Village[] {
  return villages.filter((village) => !team || team.villageIds.length === 0 || team.villageIds.includes(village.id));
}

/** Where something new is registered unless the member picks otherwise: their village, or the team's first. */
export function homeVillageId(assignment: Assignment, villages: Village[]): string {
  const team = assignment.teams.find((entry) => entry.id === assignment.teamId);
  return assignment.villageId ?? villagesOfTeam(team, villages)[0]?.id ?? villages[0]?.id ?? '';
}
