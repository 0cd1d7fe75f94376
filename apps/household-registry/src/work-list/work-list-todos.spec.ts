import { householdTodos, isOpen, matchesStatus, residentTodos, visitStatusOf, type EnrollmentFacts } from './work-list-todos';

const enrollment = (serviceCode: string, state: string, returnedReason: string | null = null): EnrollmentFacts => ({ serviceCode, state, returnedReason });

describe('work-list to-dos', () => {
  it('an enrollment is open until the last state of its lifecycle, rejected or cancelled', () => {
    expect(isOpen('cccd', 'issued')).toBe(true);
    expect(isOpen('cccd', 'delivered')).toBe(false);
    expect(isOpen('vneid_level2', 'issued')).toBe(true);
    expect(isOpen('vneid_level2', 'activated')).toBe(false);
    expect(isOpen('digital_signature', 'issued')).toBe(false);
    expect(isOpen('public_service_app', 'set_up')).toBe(false);
    expect(isOpen('ehealth_book', 'rejected')).toBe(false);
    expect(isOpen('online_application', 'cancelled')).toBe(false);
    expect(isOpen('some_new_service', 'started')).toBe(true);
    expect(isOpen('some_new_service', 'completed')).toBe(false);
  });

  it('an eligible resident needs an ID card and a level-2 account until enrollments hold them', () => {
    expect(residentTodos({ eligible14: true, enrollments: [] })).toEqual(['needs_id_card', 'needs_vneid_level2']);
    expect(residentTodos({ eligible14: false, enrollments: [] })).toEqual([]);
    expect(residentTodos({ eligible14: true, enrollments: [enrollment('cccd', 'delivered'), enrollment('vneid_level2', 'activated')] })).toEqual([]);
    // A rejected application does not hold: the card is still needed.
    expect(residentTodos({ eligible14: true, enrollments: [enrollment('cccd', 'rejected'), enrollment('vneid_level2', 'activated')] })).toEqual(['needs_id_card']);
  });

  it('an issued account not activated, an open enrollment and a returned step are to-dos', () => {
    expect(residentTodos({ eligible14: true, enrollments: [enrollment('cccd', 'delivered'), enrollment('vneid_level2', 'issued')] })).toEqual(['not_activated', 'open_enrollment']);
    expect(residentTodos({ eligible14: false, enrollments: [enrollment('vneid_level1', 'issued')] })).toEqual(['not_activated', 'open_enrollment']);
    expect(residentTodos({ eligible14: false, enrollments: [enrollment('ehealth_book', 'activated', 'no photo of the form')] })).toEqual(['returned_step']);
  });

  it('the visit status comes from the last visit: returned on review before obstacles', () => {
    expect(visitStatusOf(undefined)).toBe('not_visited');
    expect(visitStatusOf({ obstacles: [], reviewStatus: null })).toBe('visited');
    expect(visitStatusOf({ obstacles: ['no_smartphone'], reviewStatus: 'verified' })).toBe('obstacle');
    expect(visitStatusOf({ obstacles: ['no_smartphone'], reviewStatus: 'returned' })).toBe('returned');
  });

  it("a household's to-dos are its visit's and its residents', each once, and done when none is left", () => {
    const residents = [
      { eligible14: true, enrollments: [] },
      { eligible14: true, enrollments: [enrollment('cccd', 'applied', 'blurred photo')] },
    ];
    const todos = householdTodos('returned', residents);
    expect(todos).toEqual(['returned_visit', 'needs_id_card', 'needs_vneid_level2', 'open_enrollment', 'returned_step']);
    expect(matchesStatus(todos, 'returned')).toBe(true);
    expect(matchesStatus(todos, 'needs_id_card')).toBe(true);
    expect(matchesStatus(todos, 'not_visited')).toBe(false);
    expect(matchesStatus(todos, 'done')).toBe(false);
    expect(householdTodos('not_visited', [])).toEqual(['not_visited']);
    const done = householdTodos('visited', [{ eligible14: false, enrollments: [enrollment('ehealth_book', 'activated')] }]);
    expect(done).toEqual([]);
    expect(matchesStatus(done, 'done')).toBe(true);
  });
});
