import { createHash } from 'node:crypto';
import { EVENT_CATALOGUE, EVENT_STREAMS, eventsOfStream } from './catalogue';
import { dataSchemaUri, type EventDefinition, type EventStream } from './define-event';
import { EnvelopeSchema, type EventEnvelope } from './envelope';

export interface AsyncApiOptions {
  /** Deployment prefix of every topic, e.g. `dtc.` (TOPIC_PREFIX). */
  topicPrefix: string;
  /** Kafka bootstrap address (host:port, optionally with a scheme); adds a `servers` entry. */
  serverUrl?: string;
}

type Json = Record<string, unknown>;

const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as Json;
/** AsyncAPI component and channel keys allow letters, digits, `_` and `-` only. */
const key = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_');
export const asyncApiChannelId = (stream: EventStream) => key(stream);
export const asyncApiMessageId = (type: string) => key(type);

/** Example tenant and province of the generated examples (a commune of Nghệ An). */
const EXAMPLE_TENANT = '16279';
const EXAMPLE_PROVINCE = '38';

/** A stable UUID (v5 layout) derived from a name, so the document is reproducible. */
function stableUuid(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/** The envelope of a definition's example, as a producer would publish it. */
export function exampleEnvelope(definition: EventDefinition): EventEnvelope {
  const data = definition.example as Json;
  const aggregateId = data[`${definition.aggregate}Id`] ?? Object.values(data).find((value) => typeof value === 'string');
  return {
    specversion: '1.0',
    id: stableUuid(definition.type),
    source: `/dtc/${definition.producer}`,
    type: definition.type,
    subject: String(aggregateId),
    time: typeof data['occurredAt'] === 'string' ? data['occurredAt'] : '2026-07-21T08:30:00.000Z',
    datacontenttype: 'application/json',
    dataschema: dataSchemaUri(definition.type),
    tenant: EXAMPLE_TENANT,
    province: EXAMPLE_PROVINCE,
    data: definition.example,
  };
}

/** JSON Schema of a whole message value: the CloudEvents envelope with `data` = the event's schema. */
export function envelopePayloadSchema(definition: EventDefinition): Json {
  const { $id: _id, ...envelope } = plain(EnvelopeSchema);
  const properties = envelope['properties'] as Json;
  return {
    ...envelope,
    properties: {
      ...properties,
      type: { ...(properties['type'] as Json), const: definition.type },
      dataschema: { ...(properties['dataschema'] as Json), const: dataSchemaUri(definition.type) },
      data: { description: definition.description, ...plain(definition.schema) },
    },
  };
}

function headersSchema(definition: EventDefinition): Json {
  const str = (description: string, extra: Json = {}) => ({ type: 'string', description, ...extra });
  return {
    type: 'object',
    description: 'Kafka record headers set by the outbox relay; they mirror the envelope attributes (binary-mode CloudEvents names).',
    properties: {
      'content-type': str('Always application/cloudevents+json (structured mode).', { const: 'application/cloudevents+json; charset=utf-8' }),
      ce_specversion: str('CloudEvents spec version.', { const: '1.0' }),
      ce_id: str('Event id (same as the envelope id); dedupe on it.', { format: 'uuid' }),
      ce_type: str('Event type including its major version.', { const: definition.type }),
      ce_source: str('Producing service.', { const: `/dtc/${definition.producer}` }),
      ce_tenant: str('Commune code (tenant).', { pattern: '^[0-9]{5}$' }),
      ce_province: str('Province code.', { pattern: '^[0-9]{2}$' }),
    },
    required: ['content-type', 'ce_specversion', 'ce_id', 'ce_type', 'ce_source', 'ce_tenant', 'ce_province'],
  };
}

function message(definition: EventDefinition): Json {
  const example = exampleEnvelope(definition);
  return {
    name: definition.type,
    title: definition.type,
    summary: definition.description,
    contentType: 'application/cloudevents+json',
    headers: headersSchema(definition),
    payload: envelopePayloadSchema(definition),
    correlationId: { description: 'Request correlation id, when the event came from an HTTP request.', location: '$message.payload#/correlationid' },
    bindings: { kafka: { key: { type: 'string', description: `The ${definition.aggregate} id (= envelope subject); orders events per aggregate.` }, bindingVersion: '0.5.0' } },
    examples: [
      {
        name: `${definition.type}-example`,
        summary: `Example ${definition.type} event`,
        headers: {
          'content-type': 'application/cloudevents+json; charset=utf-8',
          ce_specversion: '1.0',
          ce_id: example.id,
          ce_type: example.type,
          ce_source: example.source,
          ce_tenant: example.tenant,
          ce_province: example.province,
        },
        payload: example,
      },
    ],
    'x-stream': definition.stream,
    'x-aggregate': definition.aggregate,
    'x-producer': definition.producer,
  };
}

function server(serverUrl: string): Json {
  const host = serverUrl.replace(/^[a-z+]+:\/\//i, '').replace(/\/+$/, '');
  return { kafka: { host, protocol: 'kafka', description: 'Kafka bootstrap server.' } };
}

/** AsyncAPI 3.0 description of every event stream and event version in the catalogue. */
export function buildAsyncApi(options: AsyncApiOptions): Json {
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  for (const definition of EVENT_CATALOGUE) messages[asyncApiMessageId(definition.type)] = message(definition);
  for (const stream of EVENT_STREAMS) {
    const channelId = asyncApiChannelId(stream);
    const ids = eventsOfStream(stream).map((definition) => asyncApiMessageId(definition.type));
    channels[channelId] = {
      address: `${options.topicPrefix}${stream}`,
      title: stream,
      description: `Topic ${options.topicPrefix}${stream}: every event of the ${stream.replace(/\.events$/, '')} service, keyed by aggregate id, kept forever.`,
      messages: Object.fromEntries(ids.map((id) => [id, { $ref: `#/components/messages/${id}` }])),
    };
    operations[`receive_${channelId}`] = {
      action: 'receive',
      title: `Consume ${stream}`,
      summary: `Consume the events of ${options.topicPrefix}${stream}.`,
      channel: { $ref: `#/channels/${channelId}` },
      messages: ids.map((id) => ({ $ref: `#/channels/${channelId}/messages/${id}` })),
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'dtc platform events',
      version: '1.0.0',
      description: [
        'Domain events of the door-to-door digital transformation campaign platform.',
        '',
        '- Every message value is a CloudEvents 1.0 envelope in structured mode (`application/cloudevents+json`); `data` holds the event, `dataschema` names its JSON Schema.',
        '- The Kafka message key is the aggregate id (= the envelope `subject`): events of one aggregate arrive in order on one partition.',
        '- Delivery is at-least-once: the same event may arrive more than once; deduplicate on the envelope `id` (also header `ce_id`).',
        '- The event type carries its major version (`.v1`); a breaking change is published as a new type. Within a version, tolerate unknown properties and enum values.',
        '- Topics keep their history forever, so consumers can rebuild by replaying from the beginning.',
      ].join('\n'),
    },
    defaultContentType: 'application/cloudevents+json',
    ...(options.serverUrl ? { servers: server(options.serverUrl) } : {}),
    channels,
    operations,
    components: { messages },
  };
}
