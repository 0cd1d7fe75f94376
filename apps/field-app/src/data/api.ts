import { enrollmentApi, registryApi, trainingApi } from '@dtc/api-client';
import type { SyncService } from './db';
import type { SyncItem, Upload, UploadOutcome } from '../sync/sync-engine';

/** The services under the app's own origin (`/api/<service>/`): no CORS, one place to configure. */
export function apiBase(service: SyncService | 'reporting'): string {
  return `${location.origin}/api/${service}`;
}

export function apis(token: string) {
  return {
    registry: registryApi({ baseUrl: apiBase('registry'), token }),
    enrollment: enrollmentApi({ baseUrl: apiBase('enrollment'), token }),
    training: trainingApi({ baseUrl: apiBase('training'), token }),
  };
}
export type Apis = ReturnType<typeof apis>;

/** POST /sync of a service through the generated clients; classifies what came back for the sync engine. */
export function uploader(token: string, deviceId: string): Upload {
  const clients = apis(token);
  return async (service: SyncService, items: SyncItem[]): Promise<UploadOutcome> => {
    const options = { body: { items }, params: { header: { 'x-device-id': deviceId } } } as const;
    try {
      const { data, response } =
        service === 'registry' ? await clients.registry.POST('/sync', options) : service === 'enrollment' ? await clients.enrollment.POST('/sync', options) : await clients.training.POST('/sync', options);
      if (data) return { kind: 'results', results: data.results };
      if (response.status === 401) return { kind: 'unauthorized' };
      return { kind: 'server', status: response.status };
    } catch {
      return { kind: 'network' };
    }
  };
}
