import { createContext, useContext } from 'react';
import type { FieldDatabase } from '../data/db';
import type { Assignment } from '../data/session';
import type { SyncRunner } from '../sync/sync-runner';

export type Screen =
  | { name: 'home' }
  | { name: 'setup' }
  | { name: 'signIn' }
  | { name: 'household'; id: string }
  | { name: 'newHousehold' }
  | { name: 'editHousehold'; id: string }
  | { name: 'newResident'; householdId: string }
  | { name: 'visit'; householdId: string }
  | { name: 'attention' }
  | { name: 'queue' }
  | { name: 'organisations' }
  | { name: 'newOrganisation' }
  | { name: 'sessions' }
  | { name: 'attendance'; sessionId: string };

export interface AppContextValue {
  db: FieldDatabase;
  assignment: Assignment;
  runner: SyncRunner;
  token?: string;
  go(screen: Screen): void;
  /** after a save: show it at once, sync soon */
  saved(next: Screen): void;
  /** the member picked a team and village: kept on the phone, and what every screen and command uses from now on */
  assign(next: Assignment): Promise<void>;
}

export const AppContext = createContext<AppContextValue | undefined>(undefined);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside the app');
  return value;
}
