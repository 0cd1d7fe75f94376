import type { Static, TObject } from '@sinclair/typebox';

/** The Kafka stream (topic without the deployment prefix) that carries a producer's events. */
export type EventStream = 'household-registry.events' | 'enrollment.events' | 'training.events';

export interface EventDefinition<TSchema extends TObject = TObject> {
  /** Full CloudEvents type, e.g. `vn.dtc.registry.household.registered.v1`. */
  readonly type: string;
  readonly version: number;
  readonly stream: EventStream;
  /** Name of the aggregate the subject identifies (household, resident, ...). */
  readonly aggregate: string;
  readonly producer: string;
  readonly description: string;
  readonly schema: TSchema;
  readonly example: Static<TSchema>;
}

export type EventData<TDef> = TDef extends EventDefinition<infer S> ? Static<S> : never;

export function defineEvent<TSchema extends TObject>(definition: EventDefinition<TSchema>): EventDefinition<TSchema> {
  const expectedSuffix = `.v${definition.version}`;
  if (!definition.type.endsWith(expectedSuffix)) {
    throw new Error(`Event type ${definition.type} must end with its major version ${expectedSuffix}`);
  }
  return Object.freeze(definition);
}

export function dataSchemaUri(type: string): string {
  return `urn:dtc:schema:${type}`;
}
