import { buildAsyncApi } from './asyncapi';
import { publicationStatus, type JsonSchema } from './compatibility';
import { exportJsonSchemas } from './json-schema';

export interface PublicationPlan {
  /** Files (relative to docs/events) to write: new event versions, compatible updates, the AsyncAPI document. */
  writes: Array<{ path: string; content: string }>;
  /** One message per published schema the code breaks; when non-empty, `writes` is empty. */
  refused: string[];
}

const asJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The AsyncAPI document committed to docs/events/asyncapi.json (default topic prefix). */
export function committedAsyncApi(): Record<string, unknown> {
  return buildAsyncApi({ topicPrefix: 'dtc.' });
}

/**
 * What `npm run schemas` writes to docs/events, given a reader of the committed files (path
 * relative to docs/events, undefined when absent). A breaking change to a published schema
 * refuses the whole publication: it must become a new event version instead.
 */
export function planPublication(readCommitted: (path: string) => string | undefined): PublicationPlan {
  const writes: PublicationPlan['writes'] = [];
  const refused: string[] = [];
  for (const { fileName, schema } of exportJsonSchemas()) {
    const path = `schemas/${fileName}`;
    const committed = readCommitted(path);
    const status = publicationStatus(`docs/events/${path}`, committed === undefined ? undefined : (JSON.parse(committed) as JsonSchema), schema);
    if (status.status === 'breaking') refused.push(status.message);
    else if (status.status !== 'current') writes.push({ path, content: asJson(schema) });
  }
  if (refused.length > 0) return { writes: [], refused };
  const asyncApi = asJson(committedAsyncApi());
  if (readCommitted('asyncapi.json') !== asyncApi) writes.push({ path: 'asyncapi.json', content: asyncApi });
  return { writes, refused };
}
