import { ProgressBar } from '@dtc/platform';
// The rebuild itself belongs to reporting; the CLI only drives it and reports on it.
import { rebuildProjections, type RebuildResult } from '../../../apps/reporting/src/rebuild/rebuild';
import { defineCommand, print } from '../command';
import { ENVIRONMENT, kafkaSettings, rebuildSettings } from '../environment';

export const rebuildCommand = defineCommand({
  name: 'rebuild',
  summary: "Replay every topic into a new generation of reporting's projections and switch over while serving (progress bar)",
  environment: [ENVIRONMENT.database, ENVIRONMENT.kafka, ENVIRONMENT.rebuild],
  spec: {
    options: {
      json: { description: 'print the summary as one JSON object instead of a sentence' },
    },
  },
  async run({ options }) {
    const config = rebuildSettings();
    const bar = new ProgressBar('rebuild', 0);
    const result = await rebuildProjections({
      databaseUrl: config.databaseUrl,
      serviceSchema: config.databaseSchema,
      topicPrefix: config.topicPrefix,
      kafkaBrokers: config.kafkaBrokers,
      kafkaSecurity: kafkaSettings(),
      redisUrl: config.redisUrl,
      switchTimeoutMs: config.switchTimeoutSeconds * 1000,
      concurrency: config.concurrency,
      batchBytes: config.batchBytes,
      log: (message) => process.stderr.write(`${message}\n`),
      onProgress: (done, total, phase) => {
        bar.setTotal(total);
        if (phase === 'switching') bar.finish('switching…');
        else bar.update(done);
      },
    });
    print(options.json ? JSON.stringify(summary(result)) : sentence(result));
  },
});

function summary(result: RebuildResult) {
  return {
    generation: result.generation,
    schema: result.schema,
    previous: result.previousSchema,
    eventsInTopics: result.eventsInTopics,
    eventsApplied: result.eventsApplied,
    seconds: Number(result.seconds.toFixed(1)),
    eventsPerSecond: Math.round(result.eventsApplied / Math.max(result.seconds, 0.001)),
    droppedSchemas: result.droppedSchemas,
  };
}

/** rebuilt generation 4 (reporting_g4, was reporting_g3): 28,114 events in 12.3 s, 2,286 events/s; dropped reporting_g2 */
function sentence(result: RebuildResult): string {
  const figures = summary(result);
  const count = (n: number) => n.toLocaleString('en');
  // A tiny installation replays a handful of events: "0.4 events/s" says more than "0".
  const rate = result.eventsApplied / Math.max(result.seconds, 0.001);
  const perSecond = rate < 10 ? rate.toFixed(1) : count(Math.round(rate));
  const was = figures.previous ? `, was ${figures.previous}` : '';
  const dropped = figures.droppedSchemas.length ? `; dropped ${figures.droppedSchemas.join(', ')}` : '';
  return `rebuilt generation ${figures.generation} (${figures.schema}${was}): ${count(figures.eventsApplied)} events in ${figures.seconds} s, ${perSecond} events/s${dropped}`;
}
