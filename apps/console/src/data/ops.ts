import type { RegistrySchemas } from '@dtc/api-client';

/** The four services as the console reaches them (`/api/<key>/`) and as they name themselves. */
export const PLATFORM_SERVICES = [
  { key: 'registry', name: 'household-registry' },
  { key: 'enrollment', name: 'enrollment' },
  { key: 'training', name: 'training' },
  { key: 'reporting', name: 'reporting' },
] as const;
export type ServiceKey = (typeof PLATFORM_SERVICES)[number]['key'];

// One controller (libs/messaging's ops feature) answers these in every service: the schemas are the same in each document.
export type OpsStatus = RegistrySchemas['schemas']['OpsStatusView'];
export type ConsumerStatus = OpsStatus['consumers'][number];
export type DeadLetters = RegistrySchemas['schemas']['DeadLettersView'];

/** GET /health: readiness of the service's database, Kafka and Redis (200 or 503, the same body). */
export interface HealthReport {
  status: 'ok' | 'degraded' | 'error';
  checks: Record<string, { status: 'up' | 'down'; latencyMs?: number }>;
}

/** One service as the operations page shows it: its health, and its status unless it could not be read. */
export interface ServiceState {
  key: ServiceKey;
  name: string;
  /** undefined: the service did not answer at all (the gateway's 502) */
  health?: HealthReport;
  status?: OpsStatus;
}

/** An outbox row older than this has waited too long for Kafka. */
export const OUTBOX_STALE_SECONDS = 60;
/** A consumer this far behind is not keeping up with the field. */
export const LAG_ALERT = 1000;

export type Attention = 'unreachable' | 'unhealthy' | 'outbox' | 'lag' | 'deadLetters' | 'kafka';

/** Why a service needs an operator's eye (empty: it is fine), the same thresholds as the alert rules. */
export function attentionOf(state: ServiceState): Attention[] {
  if (!state.health) return ['unreachable'];
  const reasons: Attention[] = [];
  if (state.health.status !== 'ok') reasons.push('unhealthy');
  const status = state.status;
  if (!status) return reasons;
  if (!status.kafkaReachable) reasons.push('kafka');
  if (status.outbox && (status.outbox.oldestUnpublishedSeconds ?? 0) > OUTBOX_STALE_SECONDS) reasons.push('outbox');
  if (status.consumers.some((consumer) => (consumer.lag ?? 0) >= LAG_ALERT)) reasons.push('lag');
  if (status.consumers.some((consumer) => (consumer.deadLettersWaiting ?? 0) > 0)) reasons.push('deadLetters');
  return reasons;
}

/** Grafana's pages for this platform: the provisioned dashboard (uid dtc-platform) and the alert list. */
export function grafanaLinks(base?: string): Array<{ key: 'dashboard' | 'alerts' | 'explore'; href: string }> {
  if (!base) return [];
  const root = base.replace(/\/+$/, '');
  return [
    { key: 'dashboard', href: `${root}/d/dtc-platform` },
    { key: 'alerts', href: `${root}/alerting/list` },
    { key: 'explore', href: `${root}/explore` },
  ];
}
