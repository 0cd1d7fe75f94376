import { createEvent, wasValidatedWhenCreated } from './create-event';
import { EVENT_CATALOGUE } from './catalogue';
import { dataSchemaUri, type EventDefinition } from './define-event';
import type { EventEnvelope } from './envelope';
import { HouseholdRegisteredV1 } from './events/household-registry.events';
import { assertValidEvent, EventValidationError, parseEvent, parsePublishedEvent } from './validation';

const origin = {
  tenant: '01234',
  province: '01',
  subject: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11',
  time: new Date('2026-07-21T08:30:00.000Z'),
};

function validEnvelope(definition: EventDefinition = HouseholdRegisteredV1): EventEnvelope<Record<string, unknown>> {
  return {
    specversion: '1.0',
    id: '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b',
    source: `/dtc/${definition.producer}`,
    type: definition.type,
    subject: origin.subject,
    time: '2026-07-21T08:30:00.000Z',
    datacontenttype: 'application/json',
    dataschema: dataSchemaUri(definition.type),
    tenant: origin.tenant,
    province: origin.province,
    data: { ...(definition.example as Record<string, unknown>) },
  };
}

function validationErrorOf(candidate: unknown): EventValidationError {
  try {
    assertValidEvent(candidate);
  } catch (error) {
    expect(error).toBeInstanceOf(EventValidationError);
    return error as EventValidationError;
  }
  throw new Error('expected assertValidEvent to throw');
}

describe('event validation', () => {
  describe.each(EVENT_CATALOGUE.map((definition) => [definition.type, definition] as const))('catalogue example of %s', (_type, definition) => {
    it('passes createEvent and yields a complete envelope', () => {
      const event = createEvent(definition, { ...origin, correlationId: 'corr-1' }, definition.example);
      expect(event).toMatchObject({
        specversion: '1.0',
        type: definition.type,
        source: `/dtc/${definition.producer}`,
        dataschema: dataSchemaUri(definition.type),
        tenant: '01234',
        province: '01',
        subject: origin.subject,
        time: '2026-07-21T08:30:00.000Z',
        datacontenttype: 'application/json',
        correlationid: 'corr-1',
        data: definition.example,
      });
      expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(() => assertValidEvent(event)).not.toThrow();
    });

    it('round-trips through parseEvent', () => {
      const event = createEvent(definition, origin, definition.example);
      expect(parseEvent(Buffer.from(JSON.stringify(event)))).toEqual(event);
      expect(parseEvent(JSON.stringify(event))).toEqual(event);
    });
  });

  it('the hand-built valid envelope is accepted (baseline for the rejections below)', () => {
    expect(() => assertValidEvent(validEnvelope())).not.toThrow();
  });

  it('createEvent omits correlationid when none is given and validates the data', () => {
    const event = createEvent(HouseholdRegisteredV1, origin, HouseholdRegisteredV1.example);
    expect(event).not.toHaveProperty('correlationid');
    expect(() =>
      createEvent(HouseholdRegisteredV1, origin, { ...HouseholdRegisteredV1.example, householdId: 'nope' }),
    ).toThrow(EventValidationError);
  });

  it('rejects an unknown event type', () => {
    const error = validationErrorOf({ ...validEnvelope(), type: 'vn.dtc.unknown.thing.v1' });
    expect(error.eventType).toBe('vn.dtc.unknown.thing.v1');
    expect(error.problems).toEqual(['unknown event type vn.dtc.unknown.thing.v1']);
    expect(error.message).toContain('unknown event type vn.dtc.unknown.thing.v1');
  });

  it('rejects data missing a required field and names it under /data', () => {
    const envelope = validEnvelope();
    delete envelope.data['villageId'];
    const error = validationErrorOf(envelope);
    expect(error.eventType).toBe(HouseholdRegisteredV1.type);
    expect(error.problems.some((p) => p.startsWith('/data') && p.includes('villageId'))).toBe(true);
  });

  it('rejects data with an extra field (additionalProperties) and names it', () => {
    const envelope = validEnvelope();
    envelope.data['headName'] = 'Nguyễn Văn A';
    const error = validationErrorOf(envelope);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^\/data /);
    expect(error.problems[0]).toContain('(headName)');
  });

  it('rejects a wrongly typed data field and names its path', () => {
    const envelope = validEnvelope();
    envelope.data['smartDevices'] = -1;
    const error = validationErrorOf(envelope);
    expect(error.problems.join('\n')).toContain('/data/smartDevices');
  });

  it.each(['1234', '123456', 'abcde', '01 23'])('rejects tenant %j that is not 5 digits', (tenant) => {
    const error = validationErrorOf({ ...validEnvelope(), tenant });
    expect(error.problems.some((p) => p.startsWith('/tenant'))).toBe(true);
  });

  it.each(['1', '001', 'HN'])('rejects province %j that is not 2 digits', (province) => {
    const error = validationErrorOf({ ...validEnvelope(), province });
    expect(error.problems.some((p) => p.startsWith('/province'))).toBe(true);
  });

  it.each(['21/07/2026 08:30', '2026-07-21', 'yesterday'])('rejects time %j that is not RFC 3339 date-time', (time) => {
    const error = validationErrorOf({ ...validEnvelope(), time });
    expect(error.problems.some((p) => p.startsWith('/time') && p.includes('date-time'))).toBe(true);
  });

  it.each(['42', 'not-a-uuid', '3f2b8c1e9a4d4e6f8b7a1c2d3e4f5a6b'])('rejects id %j that is not a uuid', (id) => {
    const error = validationErrorOf({ ...validEnvelope(), id });
    expect(error.problems.some((p) => p.startsWith('/id') && p.includes('uuid'))).toBe(true);
  });

  it('rejects an unknown envelope attribute', () => {
    const error = validationErrorOf({ ...validEnvelope(), secret: 'x' });
    expect(error.problems.join('\n')).toContain('(secret)');
  });

  it('lists every envelope problem at once', () => {
    const error = validationErrorOf({ ...validEnvelope(), id: 'x', tenant: '1', province: 'x', time: 'now' });
    const paths = error.problems.map((p) => p.split(' ')[0]);
    expect(paths).toEqual(expect.arrayContaining(['/id', '/tenant', '/province', '/time']));
  });

  it('rejects non-objects with an empty event type', () => {
    for (const candidate of [null, 42, 'event', []]) {
      const error = validationErrorOf(candidate);
      expect(error.eventType).toBe('');
      expect(error.message).toContain('(no type)');
    }
  });

  describe('validated once, when written', () => {
    it('knows the envelopes createEvent built and validated, and not copies of them', () => {
      const event = createEvent(HouseholdRegisteredV1, origin, HouseholdRegisteredV1.example);
      expect(wasValidatedWhenCreated(event)).toBe(true);
      expect(wasValidatedWhenCreated({ ...event })).toBe(false);
      expect(wasValidatedWhenCreated(validEnvelope())).toBe(false);
    });

    const incomplete = () => ({ ...validEnvelope(), data: { householdId: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11' } });

    it("does not check the schema again of a message whose relay headers name the envelope's id and type", () => {
      const event = incomplete();
      expect(() => parseEvent(JSON.stringify(event))).toThrow(EventValidationError);
      expect(parsePublishedEvent(JSON.stringify(event), { id: event.id, type: event.type })).toEqual(event);
    });

    it('validates in full without headers, or when the headers disagree with the envelope or name no catalogued type', () => {
      const event = incomplete();
      const raw = JSON.stringify(event);
      for (const publishedAs of [undefined, { id: '9e2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b', type: event.type }, { id: event.id, type: 'other.type.v1' }]) {
        expect(() => parsePublishedEvent(raw, publishedAs)).toThrow(/data/);
      }
      const renamed = { ...event, type: 'registry.unknown.v1' };
      expect(() => parsePublishedEvent(JSON.stringify(renamed), { id: event.id, type: renamed.type })).toThrow(/unknown event type/);
    });

    it('validates in full an envelope missing an attribute or data, whatever the headers say', () => {
      const { tenant: _tenant, ...noTenant } = validEnvelope();
      const noData = { ...validEnvelope(), data: 'text' };
      for (const candidate of [noTenant, noData]) {
        expect(() => parsePublishedEvent(JSON.stringify(candidate), { id: candidate.id, type: candidate.type })).toThrow(EventValidationError);
      }
      expect(() => parsePublishedEvent('[]', { id: 'x', type: HouseholdRegisteredV1.type })).toThrow(EventValidationError);
      expect(() => parsePublishedEvent('{not json', { id: 'x', type: HouseholdRegisteredV1.type })).toThrow(/not JSON/);
    });
  });

  describe('parseEvent', () => {
    it('rejects a null message value', () => {
      expect(() => parseEvent(null)).toThrow(EventValidationError);
      expect(() => parseEvent(null)).toThrow(/message has no value/);
    });

    it.each(['{not json', '', Buffer.from('<xml/>')])('rejects a non-JSON value %#', (raw) => {
      expect(() => parseEvent(raw)).toThrow(EventValidationError);
      expect(() => parseEvent(raw)).toThrow(/message value is not JSON/);
    });

    it('rejects valid JSON that is not a valid event', () => {
      expect(() => parseEvent(JSON.stringify({ hello: 'world' }))).toThrow(EventValidationError);
    });
  });
});
