import { newCommand } from '../sync/queue';
import { clientIdOf, isLocalId, localId, type FieldDatabase, type LocalEnrollment, type LocalHousehold, type LocalOrganisation, type LocalResident, type LocalSession, type QueuedCommand } from './db';
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
  const household: LocalHousehold = { id, version: 1, villageId: village.id, villageCode: village.code, villageName: village.name, todos: ['not_visited'], pendingClientId: command.clientId, ...fields };
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
  await queueHouseholdChange(db, household, command, changes);
}

/**
 * A change to a household: each one the server applies adds 1 to its version, so the phone counts
 * along and the member's next change offline is not refused as a conflict with their own.
 */
async function queueHouseholdChange(db: FieldDatabase, household: LocalHousehold, command: QueuedCommand, changes: Partial<LocalHousehold>): Promise<void> {
  await db.transaction('rw', db.queue, db.households, async () => {
    await db.queue.add(command);
    await db.households.update(household.id, { ...changes, version: household.version + 1 });
  });
}

/** household.move to another village of the commune (history kept by the registry). */
export async function moveHousehold(db: FieldDatabase, household: LocalHousehold, villageId: string): Promise<void> {
  const village = await db.villages.get(villageId);
  if (!village) throw new Error('unknown village');
  const command = newCommand({ service: 'registry', command: 'household.move', payload: { villageCode: village.code, version: household.version }, label: `${household.headName} → ${village.name}`, localId: household.id, ...targetOf(household.id) });
  command.payload.movedAt = command.occurredAt;
  await queueHouseholdChange(db, household, command, { villageId: village.id, villageCode: village.code, villageName: village.name });
}

/** household.set-digital-core: the resident who helps the household online (or none). */
export async function setDigitalCore(db: FieldDatabase, household: LocalHousehold, resident: LocalResident | null): Promise<void> {
  const ref = resident ? fieldRef('residentId', resident.id) : { payload: { residentId: null } };
  const command = newCommand({
    service: 'registry',
    command: 'household.set-digital-core',
    payload: { ...ref.payload, version: household.version },
    refs: { ...('refs' in ref ? ref.refs : {}), ...targetOf(household.id).refs },
    target: targetOf(household.id).target,
    label: `${household.headName} · ${resident?.fullName ?? '—'}`,
    localId: household.id,
  });
  if (command.refs && Object.keys(command.refs).length === 0) delete command.refs;
  await queueHouseholdChange(db, household, command, { digitalCoreResidentId: resident?.id ?? null });
}

/** resident.move-out or resident.deceased: the resident leaves the household's list. */
export async function endResidence(db: FieldDatabase, resident: LocalResident, reason: 'move-out' | 'deceased'): Promise<void> {
  const command = newCommand({ service: 'registry', command: `resident.${reason}`, payload: { version: resident.version }, label: resident.fullName, localId: resident.id, ...targetOf(resident.id) });
  command.payload.occurredAt = command.occurredAt;
  await db.transaction('rw', db.queue, db.residents, async () => {
    await db.queue.add(command);
    await db.residents.delete(resident.id);
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
  const resident: LocalResident = { id, householdId: household.id, fullName: input.fullName, version: 1, dateOfBirth: input.dateOfBirth, idNumber: input.idNumber, eligible14: null, todos: [], enrollments: [], pendingClientId: command.clientId };
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
export async function applyForService(db: FieldDatabase, assignment: Assignment, resident: LocalResident, serviceCode: string, detail?: string): Promise<void> {
  const service = await db.services.get(serviceCode);
  if (!service) throw new Error('unknown service');
  const command = newCommand({
    service: 'enrollment',
    command: 'enrollment.apply',
    payload: {
      communeCode: assignment.communeCode,
      serviceCode,
      memberId: assignment.memberId,
      ...(detail ? { detail } : {}),
      ...(assignment.teamId ? { teamId: assignment.teamId } : {}),
      ...(isLocalId(resident.id) ? {} : { residentId: resident.id }),
    },
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
    label: `${resident.fullName} · ${service?.nameVi ?? enrollment.serviceCode}`,
    labelStatus: { kind: 'enrollmentState', code: to },
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

export interface OrganisationInput {
  name: string;
  kind: 'cooperative' | 'enterprise';
  taxCode: string;
  villageId: string;
  eIdStatus: 'none' | 'applied' | 'identified';
}

export async function registerOrganisation(db: FieldDatabase, assignment: Assignment, input: OrganisationInput): Promise<void> {
  const village = await db.villages.get(input.villageId);
  if (!village) throw new Error('unknown village');
  const { villageId: _villageId, ...fields } = input;
  const command = newCommand({ service: 'registry', command: 'organisation.register', payload: { communeCode: assignment.communeCode, villageCode: village.code, ...fields }, label: input.name });
  command.localId = localId(command.clientId);
  command.payload.registeredAt = command.occurredAt;
  await db.transaction('rw', db.queue, db.organisations, async () => {
    await db.queue.add(command);
    await db.organisations.add({ id: command.localId!, communeCode: assignment.communeCode, villageCode: village.code, version: 1, pendingClientId: command.clientId, ...fields });
  });
}

/** organisation.set-e-id-status: progress of the organisation's electronic identification. */
export async function setOrganisationEId(db: FieldDatabase, organisation: LocalOrganisation, eIdStatus: OrganisationInput['eIdStatus']): Promise<void> {
  const command = newCommand({ service: 'registry', command: 'organisation.set-e-id-status', payload: { eIdStatus, version: organisation.version }, label: organisation.name, labelStatus: { kind: 'eIdStatus', code: eIdStatus }, localId: organisation.id, ...targetOf(organisation.id) });
  command.payload.occurredAt = command.occurredAt;
  await db.transaction('rw', db.queue, db.organisations, async () => {
    await db.queue.add(command);
    await db.organisations.update(organisation.id, { eIdStatus, version: organisation.version + 1 });
  });
}

export type AttendanceOutcome = 'attended' | 'completed' | 'skill_check_passed';
export interface Attendee {
  outcome: AttendanceOutcome;
  resident?: LocalResident;
  walkIn?: { fullName: string; birthYear?: number; sex?: 'male' | 'female'; villageId?: string };
}

/**
 * attendance.record for a session: the village's residents by id (one registered offline is named
 * by its registry command, filled in before upload) and walk-ins by name.
 */
export async function recordAttendance(db: FieldDatabase, session: LocalSession, attendees: Attendee[]): Promise<void> {
  // A cross-service reference fills in one field: an attendee registered offline goes in a command of its own.
  const known = attendees.filter((attendee) => !attendee.resident || !isLocalId(attendee.resident.id));
  const offline = attendees.filter((attendee) => attendee.resident && isLocalId(attendee.resident.id));
  const commands: QueuedCommand[] = [];
  if (known.length > 0) {
    commands.push(
      newCommand({
        service: 'training',
        command: 'attendance.record',
        target: session.id,
        payload: { attendees: known.map(({ outcome, resident, walkIn }) => ({ outcome, ...(resident ? { residentId: resident.id } : { walkIn }) })) },
        label: `${session.venueName} · ${known.length}`,
      }),
    );
  }
  for (const { outcome, resident } of offline) {
    commands.push(
      newCommand({
        service: 'training',
        command: 'attendance.record',
        target: session.id,
        payload: { attendees: [{ outcome }] },
        crossRefs: { 'attendees.0.residentId': clientIdOf(resident!.id) },
        label: `${session.venueName} · ${resident!.fullName}`,
      }),
    );
  }
  await db.transaction('rw', db.queue, db.sessions, async () => {
    await db.queue.bulkAdd(commands);
    await db.sessions.update(session.id, { recordedHere: (session.recordedHere ?? 0) + attendees.length });
  });
}
