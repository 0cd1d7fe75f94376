import type { EventOrigin } from '@dtc/contracts';
import type { CommuneEntity } from '../communes/commune.entity';
import type { WriteContext } from '@dtc/offline-sync';

/** Envelope origin of a registry event: tenant and province from the commune, key = aggregate id. */
export function originOf(commune: CommuneEntity, subject: string, time: Date, context: WriteContext): EventOrigin {
  return { tenant: commune.code, province: commune.provinceCode, subject, time, correlationId: context.correlationId };
}
