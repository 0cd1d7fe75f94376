/**
 * The to-do derivation of a work-list item: pure, from what the registry holds (residents, the
 * last visit) and what it learned from enrollment events. Unit-tested on its own.
 */

/**
 * The last state of each catalogue service's lifecycle (the enrollment service's catalogue; the
 * registry does not read it). Rejected and cancelled end every lifecycle. A service the registry
 * does not know here counts as open until it reaches one of these states.
 */
export const FINAL_STATES: Readonly<Record<string, string>> = {
  cccd: 'delivered',
  vneid_level1: 'activated',
  vneid_level2: 'activated',
  ehealth_book: 'activated',
  health_insurance_vneid: 'linked',
  digital_signature: 'issued',
  epayment_account: 'activated',
  public_service_app: 'set_up',
  online_application: 'completed',
};
const ENDED = new Set(['rejected', 'cancelled']);
const ANY_FINAL = new Set(Object.values(FINAL_STATES));

export const TODO_CODES = ['not_visited', 'obstacle', 'returned_visit', 'needs_id_card', 'needs_vneid_level2', 'not_activated', 'open_enrollment', 'returned_step'] as const;
export type TodoCode = (typeof TODO_CODES)[number];

/** The `status` filter of GET /work-list: a household matches when it has the to-do (done: none left). */
export const WORK_LIST_STATUSES = ['not_visited', 'obstacle', 'returned', 'needs_id_card', 'needs_vneid_level2', 'not_activated', 'open_enrollment', 'done'] as const;
export type WorkListStatus = (typeof WORK_LIST_STATUSES)[number];

export const VISIT_STATUSES = ['not_visited', 'visited', 'obstacle', 'returned'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

export interface EnrollmentFacts {
  serviceCode: string;
  state: string;
  returnedReason: string | null;
}

export interface ResidentFacts {
  eligible14: boolean;
  enrollments: EnrollmentFacts[];
}

export interface LastVisitFacts {
  obstacles: string[];
  reviewStatus: string | null;
}

export function isOpen(serviceCode: string, state: string): boolean {
  if (ENDED.has(state)) return false;
  const final = FINAL_STATES[serviceCode];
  return final === undefined ? !ANY_FINAL.has(state) : state !== final;
}

/** An enrollment that still counts for the resident: a rejected or cancelled one needs doing again. */
function holds(enrollments: EnrollmentFacts[], serviceCode: string): boolean {
  return enrollments.some((e) => e.serviceCode === serviceCode && !ENDED.has(e.state));
}

export function visitStatusOf(last: LastVisitFacts | undefined): VisitStatus {
  if (!last) return 'not_visited';
  if (last.reviewStatus === 'returned') return 'returned';
  return last.obstacles.length > 0 ? 'obstacle' : 'visited';
}

export function residentTodos(resident: ResidentFacts): TodoCode[] {
  const todos = new Set<TodoCode>();
  if (resident.eligible14 && !holds(resident.enrollments, 'cccd')) todos.add('needs_id_card');
  if (resident.eligible14 && !holds(resident.enrollments, 'vneid_level2')) todos.add('needs_vneid_level2');
  for (const enrollment of resident.enrollments) {
    if ((enrollment.serviceCode === 'vneid_level1' || enrollment.serviceCode === 'vneid_level2') && enrollment.state === 'issued') todos.add('not_activated');
    if (isOpen(enrollment.serviceCode, enrollment.state)) todos.add('open_enrollment');
    if (enrollment.returnedReason !== null) todos.add('returned_step');
  }
  return TODO_CODES.filter((code) => todos.has(code));
}

/** The household's to-dos: its visit's and every living resident's, each code once, in TODO_CODES order. */
export function householdTodos(visitStatus: VisitStatus, residents: ResidentFacts[]): TodoCode[] {
  const todos = new Set<TodoCode>(residents.flatMap(residentTodos));
  if (visitStatus === 'not_visited') todos.add('not_visited');
  if (visitStatus === 'obstacle') todos.add('obstacle');
  if (visitStatus === 'returned') todos.add('returned_visit');
  return TODO_CODES.filter((code) => todos.has(code));
}

export function matchesStatus(todos: TodoCode[], status: WorkListStatus): boolean {
  if (status === 'done') return todos.length === 0;
  if (status === 'returned') return todos.includes('returned_visit') || todos.includes('returned_step');
  return todos.includes(status);
}
