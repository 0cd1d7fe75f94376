import { EVENT_CATALOGUE } from './catalogue';
import { dataSchemaUri } from './define-event';
import { EnvelopeSchema } from './envelope';

export interface ExportedSchema {
  fileName: string;
  schema: Record<string, unknown>;
}

/** JSON Schema (draft-07) documents for the envelope and every event version, for integrators. */
export function exportJsonSchemas(): ExportedSchema[] {
  const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  const envelope = { $schema: 'http://json-schema.org/draft-07/schema#', title: 'CloudEvents envelope (dtc)', ...plain(EnvelopeSchema) };
  return [
    { fileName: 'envelope.schema.json', schema: envelope },
    ...EVENT_CATALOGUE.map((definition) => ({
      fileName: `${definition.type}.schema.json`,
      schema: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: dataSchemaUri(definition.type),
        title: definition.type,
        description: definition.description,
        'x-stream': definition.stream,
        'x-aggregate': definition.aggregate,
        'x-producer': definition.producer,
        examples: [definition.example],
        ...plain(definition.schema),
      },
    })),
  ];
}
