import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { loggableError, MetricsService, SERVICE_CONFIG, type ServiceConfig } from '@dtc/platform';
import type { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { loadRetentionSettings, type RetentionSettings } from './retention-settings';
import { databaseNow, runRetention, type PruneOutcome, type RetentionTask } from './retention-task';

const RETENTION_TASKS = Symbol('RETENTION_TASKS');
export const PRUNE_BATCH_SIZE = 5000;

/**
 * Scheduled in-process pruning: every PRUNE_INTERVAL_MINUTES one instance per schema (a session
 * advisory lock; the others skip that round) runs the service's retention tasks, the same
 * functions as `npm run ops -- prune`. PRUNE_ENABLED=false turns it off. Failures are logged and
 * counted; the next round tries again.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('retention');
  private readonly settings: RetentionSettings;
  private readonly pruned: Counter<'table' | 'action'>;
  private readonly oldest: Gauge<'table'>;
  private readonly failures: Counter<never>;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    metrics: MetricsService,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(RETENTION_TASKS) private readonly tasks: RetentionTask[],
  ) {
    // Read at construction so a configuration that breaks a guarantee stops the service at start.
    this.settings = loadRetentionSettings(config.serviceName);
    this.pruned = metrics.counter('dtc_pruned_rows_total', 'Rows removed by retention (action: deleted, stripped of personal data, dropped with a monthly partition)', ['table', 'action']);
    this.oldest = metrics.gauge('dtc_retention_oldest_age_seconds', 'Age of the oldest row retention could remove, as of the last pruning', ['table']);
    this.failures = metrics.counter('dtc_prune_failures_total', 'Scheduled prunings that failed', []);
    // Zero from the start for every table this service prunes, so "nothing pruned yet" reads 0.
    for (const task of tasks) this.pruned.inc({ table: task.table, action: task.action }, 0);
  }

  onApplicationBootstrap(): void {
    if (this.settings.pruneEnabled !== 'true') return;
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.runOnce().finally(() => (this.running = undefined));
    }, this.settings.pruneIntervalMinutes * 60_000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One round (exposed for tests); undefined when another instance holds the round. */
  async runOnce(now?: Date): Promise<PruneOutcome[] | undefined> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const lockKey = `retention:${this.config.databaseSchema}`;
    try {
      const [{ leader }] = await runner.query('select pg_try_advisory_lock(hashtext($1)) as leader', [lockKey]);
      if (!leader) return undefined;
      try {
        const outcomes = await runRetention(runner, this.tasks, { settings: this.settings, now: now ?? (await databaseNow(runner)), batchSize: PRUNE_BATCH_SIZE, dryRun: false });
        for (const outcome of outcomes) {
          this.pruned.inc({ table: outcome.table, action: outcome.action }, outcome.rows);
          this.oldest.set({ table: outcome.table }, outcome.oldestAgeSeconds ?? 0);
        }
        const touched = outcomes.filter((outcome) => outcome.rows > 0);
        if (touched.length > 0) this.logger.log({ pruned: touched }, 'retention pruned old rows');
        return outcomes;
      } finally {
        await runner.query('select pg_advisory_unlock(hashtext($1))', [lockKey]);
      }
    } catch (error) {
      this.failures.inc();
      this.logger.error({ err: loggableError(error) }, 'scheduled pruning failed; the next round tries again');
      return undefined;
    } finally {
      await runner.release();
    }
  }
}

/** Scheduled pruning of the given tables in a service (see RetentionScheduler). */
@Module({})
export class RetentionModule {
  static forRoot(tasks: RetentionTask[]): DynamicModule {
    return { module: RetentionModule, providers: [{ provide: RETENTION_TASKS, useValue: tasks }, RetentionScheduler], exports: [RetentionScheduler] };
  }
}
