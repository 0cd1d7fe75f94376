import { newCommand } from '../sync/queue';
import { clientIdOf, isLocalId, localId, type FieldDatabase, type LocalEnrollment, type LocalHousehold, type LocalResident, type QueuedCommand } from './db';
import type { Assignment } from './session';

/**
 * What the member does at the door, saved on the phone in one IndexedDB transaction: the local
 * record the screens show at once ("waiting to sync") and the command that will carry it to the
 * server. A record created offline is referred to by its command's client id (refs), which the
 * server, or for another service the phone, turns into the real id.
 */

/** `target` or `refs.target` for a record that may exist only on this phone. */
function targetOf(id: string): Pick<QueuedCommand, 'target' | 'refs'> {
  return isLocalId(id) ? { refs: { target: clientIdOf(id) } } : { target: id };
}

function fieldRef(field: string, id: string): { payload: Record<string, string>; refs?: Record<string, string> } {
  return isLocalId(id) ? { payload: {}, refs: { [field]: clientIdOf(id) } } : { payload: { [field]: id } };
}

export interface HouseholdInput {
  villageId: string;
  address: string;
  headName: string;
  latitude?: number;
  longitude?: number;
  distanceToCentreKm?: number;
  hasElectricity?: boolean;
  hasInternet?: boolean;
  mobileSignal?: 'none' | 'weak' | 'good';
  smartDevices?: number;
  ethnicMinority?: boolean;
}

export async function registerHousehold(db: FieldDatabase, assignment: Assignment, input: HouseholdInput): Promise<string> {
  const village = await db.villages.get(input.villageId);
  if (!village) throw new Error('unknown village');
  const { villageId: _villageId, ...fields } = input;
  const command = newCommand({ service: 'registry', command: 'household.register', payload: { communeCode: assignment.communeCode, villageCode: village.code, ...fields }, label: input.headName });
  const id = localId(command.clientId);
  command.localId = id;
  const household: LocalHousehold = { id, version: 0, villageId: village.id, villageCode: village.code, villageName: village.name, todos: ['not_visited'], pendingClientId: command.clientId, ...fields };
  await db.transaction('rw', db.queue, db.households, async () => {
    await db.queue.add(command);
    await db.households.add(household);
  });
  return id;
}

export type HouseholdChanges = Partial<Omit<HouseholdInput, 'villageId'>>;

/** household.update with the version the member read: a newer one on the server is a 409 to resolve. */
export async function updateHousehold(db: FieldDatabase, household: LocalHousehold, changes: HouseholdChanges): Promise<void> {
  const command = newCommand({ service: 'registry', command: 'household.update', payload: { ...changes, version: household.version }, label: household.headName, localId: household.id, ...targetOf(household.id) });
  if (isLocalId(household.id)) command.payload.version = 1;
  await db.transaction('rw', db.queue, db.households, async () => {
    await db.queue.add(command);
    await db.households.update(household.id, changes);
  });
}

export interface ResidentInput {
  fullName: string;
  dateOfBirth: string;
  sex: 'male' | 'female';
  ethnicity: string;
  relationshipToHead: 'head' | 'spouse' | 'child' | 'parent' | 'grandchild' | 'grandparent' | 'sibling' | 'other_relative' | 'other';
  idNumber?: string;
  phone?: string;
  ownsSmartphone?: boolean;
}

export async function registerResident(db: FieldDatabase, household: LocalHousehold, input: ResidentInput): Promise<string> {
  const ref = fieldRef('householdId', household.id);
  const command = newCommand({ service: 'registry', command: 'resident.register', payload: { ...ref.payload, ...input }, refs: ref.refs, label: input.fullName });
  const id = localId(command.clientId);
  command.localId = id;
  const resident: LocalResident = { id, householdId: household.id, fullName: input.fullName, dateOfBirth: input.dateOfBirth, idNumber: input.idNumber, eligible14: null, todos: [], enrollments: [], pendingClientId: command.clientId };
  await db.transaction('rw', db.queue, db.residents, async () => {
    await db.queue.add(command);
    await db.residents.add(resident);
  });
  return id;
}

export interface VisitInput {
  outcome: 'done' | 'partly_done' | 'nobody_home' | 'refused';
  obstacles: Array<'no_smartphone' | 'no_signal' | 'elderly' | 'absent' | 'missing_documents' | 'other'>;
  followUpDate?: string;
  note?: string;
}

export async function recordVisit(db: FieldDatabase, assignment: Assignment, household: LocalHousehold, input: VisitInput): Promise<void> {
  const command = newCommand({
    service: 'registry',
    command: 'visit.record',
    payload: { ...input, memberId: assignment.memberId, ...(assignment.teamId ? { teamId: assignment.teamId } : {}) },
    label: household.headName,
    localId: household.id,
    ...targetOf(household.id),
  });
  command.payload.visitedAt = command.occurredAt;
  const status = input.obstacles.length > 0 ? 'obstacle' : 'visited';
  await db.transaction('rw', db.queue, db.households, async () => {
    await db.queue.add(command);
    await db.households.update(household.id, { visit: { status, obstacles: input.obstacles, lastVisitedAt: command.occurredAt }, todos: household.todos.filter((todo) => todo !== 'not_visited') });
  });
}

/** enrollment.apply: a resident created offline is named by its registry command (filled in before upload). */
export async function applyForService(db: FieldDatabase, assignment: Assignment, resident: LocalResident, serviceCode: string): Promise<void> {
  const service = await db.services.get(serviceCode);
  if (!service) throw new Error('unknown service');
  const command = newCommand({
    service: 'enrollment',
    command: 'enrollment.apply',
    payload: { communeCode: assignment.communeCode, serviceCode, memberId: assignment.memberId, ...(assignment.teamId ? { teamId: assignment.teamId } : {}), ...(isLocalId(resident.id) ? {} : { residentId: resident.id }) },
    crossRefs: isLocalId(resident.id) ? { residentId: clientIdOf(resident.id) } : undefined,
    label: `${resident.fullName} · ${service.nameVi}`,
  });
  command.localId = localId(command.clientId);
  command.payload.occurredAt = command.occurredAt;
  const enrollment: LocalEnrollment = { id: command.localId, serviceCode, state: service.states[0], open: true, pendingClientId: command.clientId };
  await db.transaction('rw', db.queue, db.residents, async () => {
    await db.queue.add(command);
    await db.residents.update(resident.id, { enrollments: [...resident.enrollments, enrollment] });
  });
}

/** enrollment.transition to the next state of the service's lifecycle (from the catalogue). */
export async function moveEnrollment(db: FieldDatabase, assignment: Assignment, resident: LocalResident, enrollment: LocalEnrollment, to: string): Promise<void> {
  const service = await db.services.get(enrollment.serviceCode);
  const command = newCommand({
    service: 'enrollment',
    command: 'enrollment.transition',
    payload: { to, memberId: assignment.memberId, ...(assignment.teamId ? { teamId: assignment.teamId } : {}) },
    label: `${resident.fullName} · ${service?.nameVi ?? enrollment.serviceCode} → ${to}`,
    localId: enrollment.id,
    ...targetOf(enrollment.id),
  });
  command.payload.occurredAt = command.occurredAt;
  const last = service?.states[service.states.length - 1];
  const enrollments = resident.enrollments.map((entry) => (entry.id === enrollment.id ? { ...entry, state: to, open: to !== last } : entry));
  await db.transaction('rw', db.queue, db.residents, async () => {
    await db.queue.add(command);
    await db.residents.update(resident.id, { enrollments });
  });
}

/** The next state a member can move an enrollment to, from the service's lifecycle. */
export function nextState(states: string[], current: string): string | undefined {
  const index = states.indexOf(current);
  return index >= 0 && index < states.length - 1 ? states[index + 1] : undefined;
}
