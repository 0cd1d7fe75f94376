import { asyncApiChannelId, asyncApiMessageId, buildAsyncApi, exampleEnvelope } from './asyncapi';
import { EVENT_CATALOGUE, EVENT_STREAMS } from './catalogue';
import { assertValidEvent, createAjv } from './validation';

interface Message {
  name: string;
  contentType: string;
  headers: object;
  payload: object;
  examples: Array<{ headers: unknown; payload: unknown }>;
}
interface Doc {
  asyncapi: string;
  info: { title: string; version: string; description: string };
  servers?: Record<string, { host: string; protocol: string }>;
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  operations: Record<string, { action: string; channel: { $ref: string }; messages: Array<{ $ref: string }> }>;
  components: { messages: Record<string, Message> };
}

const doc = buildAsyncApi({ topicPrefix: 'test-run.7.' }) as unknown as Doc;

describe('buildAsyncApi', () => {
  it('is an AsyncAPI 3.0.0 document describing the envelope, keys and delivery', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.info.description).toMatch(/CloudEvents/);
    expect(doc.info.description).toMatch(/key is the aggregate id/);
    expect(doc.info.description).toMatch(/at-least-once[\s\S]*deduplicate on the envelope `id`/);
    expect(doc.servers).toBeUndefined();
    expect((buildAsyncApi({ topicPrefix: 'dtc.', serverUrl: 'kafka://broker:9092' }) as unknown as Doc).servers).toEqual({ kafka: expect.objectContaining({ host: 'broker:9092', protocol: 'kafka' }) });
  });

  it('has a channel (address with the prefix) and a receive operation for every stream', () => {
    expect(Object.keys(doc.channels).sort()).toEqual(EVENT_STREAMS.map(asyncApiChannelId).sort());
    for (const stream of EVENT_STREAMS) {
      const id = asyncApiChannelId(stream);
      expect(doc.channels[id].address).toBe(`test-run.7.${stream}`);
      expect(doc.operations[`receive_${id}`]).toMatchObject({ action: 'receive', channel: { $ref: `#/channels/${id}` } });
    }
  });

  it('has a message for every event version, on its stream’s channel, with resolvable references', () => {
    expect(Object.values(doc.components.messages).map((m) => m.name).sort()).toEqual(EVENT_CATALOGUE.map((d) => d.type).sort());
    for (const definition of EVENT_CATALOGUE) {
      const id = asyncApiMessageId(definition.type);
      const channel = asyncApiChannelId(definition.stream);
      expect(doc.channels[channel].messages[id]).toEqual({ $ref: `#/components/messages/${id}` });
      expect(doc.operations[`receive_${channel}`].messages).toContainEqual({ $ref: `#/channels/${channel}/messages/${id}` });
      expect(doc.components.messages[id].contentType).toBe('application/cloudevents+json');
    }
  });

  it.each(EVENT_CATALOGUE.map((d) => [d.type, d] as const))('%s: its example validates against the payload and header schemas and the event validator', (_type, definition) => {
    const message = doc.components.messages[asyncApiMessageId(definition.type)];
    const ajv = createAjv();
    const validatePayload = ajv.compile(message.payload);
    const validateHeaders = ajv.compile(message.headers);
    expect(message.examples.length).toBeGreaterThan(0);
    for (const example of message.examples) {
      expect(validatePayload(example.payload) ? [] : validatePayload.errors).toEqual([]);
      expect(validateHeaders(example.headers) ? [] : validateHeaders.errors).toEqual([]);
      expect(() => assertValidEvent(example.payload)).not.toThrow();
    }
    // The payload schema really constrains data: another event's data is rejected.
    expect(validatePayload({ ...exampleEnvelope(definition), data: { unexpected: true } })).toBe(false);
  });
});
