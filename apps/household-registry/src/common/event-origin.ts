import type { EventOrigin } from '@dtc/contracts';
import type { CommuneScope } from './commune-scope';
import type { WriteContext } from '@dtc/offline-sync';

/** Envelope origin of a registry event: tenant and province from the commune, key = aggregate id. */
export function originOf(commune: CommuneScope, subject: string, time: Date, context: WriteContext): EventOrigin {
  return { tenant: commune.code, province: commune.provinceCode, subject, time, correlationId: context.correlationId };
}
