import { CommuneOnboardedV1, createEvent, EVENT_CATALOGUE, HouseholdRegisteredV1, TeamFormedV1 } from '@dtc/contracts';
import { randomUUID } from 'node:crypto';
import { provinceMismatches } from '../read-model/known-communes';
import { foreignStreamReason, isRejectedEventsError, RejectedEventsError } from './rejected-events';

const household = (tenant: string, province: string) => {
  const householdId = randomUUID();
  return createEvent(HouseholdRegisteredV1, { tenant, province, subject: householdId, time: new Date() }, { ...HouseholdRegisteredV1.example, householdId });
};
const onboarded = createEvent(CommuneOnboardedV1, { tenant: '16279', province: '38', subject: '16279', time: new Date() }, CommuneOnboardedV1.example);

describe('foreignStreamReason', () => {
  it('accepts every catalogued event on its own stream, with any topic prefix', () => {
    expect(foreignStreamReason(onboarded, 't-abc.household-registry.events')).toBeUndefined();
    expect(foreignStreamReason(onboarded, 'household-registry.events')).toBeUndefined();
    for (const definition of EVENT_CATALOGUE) {
      const event = createEvent(definition, { tenant: '16279', province: '38', subject: '16279', time: new Date() }, definition.example as never);
      expect(foreignStreamReason(event, `prod.${definition.stream}`)).toBeUndefined();
    }
  });

  it("refuses the registry's onboarding on another stream's topic, and an event whose source is not its producer", () => {
    expect(foreignStreamReason(onboarded, 't-abc.training.events')).toMatch(/belongs to household-registry.events/);
    expect(foreignStreamReason({ ...onboarded, source: '/dtc/training' }, 't-abc.household-registry.events')).toMatch(/must come from \/dtc\/household-registry/);
    const team = createEvent(TeamFormedV1, { tenant: '16279', province: '38', subject: randomUUID(), time: new Date() }, TeamFormedV1.example);
    expect(foreignStreamReason(team, 'household-registry.events')).toMatch(/belongs to training.events/);
  });
});

describe('provinceMismatches', () => {
  it('refuses only events of onboarded communes that name another province; others are not judged', () => {
    const right = household('16279', '38');
    const forged = household('16279', '39');
    const unknown = household('40001', '39');
    const refused = provinceMismatches([right, forged, unknown], new Map([['16279', '38']]));
    expect([...refused.keys()]).toEqual([forged.id]);
    expect(refused.get(forged.id)).toMatch(/onboarded in province 38.*claims province 39/);
  });
});

describe('RejectedEventsError', () => {
  it('is recognised by the runner, also by name across module copies', () => {
    expect(isRejectedEventsError(new RejectedEventsError('province_mismatch', new Map([['id', 'why']])))).toBe(true);
    expect(isRejectedEventsError(Object.assign(new Error('x'), { name: 'RejectedEventsError', rejected: new Map() }))).toBe(true);
    expect(isRejectedEventsError(Object.assign(new Error('x'), { name: 'RejectedEventsError' }))).toBe(false);
    expect(isRejectedEventsError(new Error('x'))).toBe(false);
  });
});
