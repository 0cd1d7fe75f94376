import type { KafkaBaseline, PostgresBaseline } from './baselines';
import type { CpuUse } from './cpu';
import type { LoadReport } from './load/field-phones';

interface Percentiles {
  p50: number;
  p99: number;
}

/** Database work per event of a phase (pg_stat_database deltas over the events the phase wrote or applied). */
export interface PhaseCost {
  commitsPerEvent: number;
  rowsWrittenPerEvent: number;
  /** The services' own statements (db_statements_total); the rebuild runs in the bench's process and has none. */
  statementsPerEvent?: number;
  /** The round trips those statements took (db_round_trips_total): a BEGIN sent with the next statement is none of its own. */
  roundTripsPerEvent?: number;
  /** The tables that took the most rows (pg_stat_user_tables, `service.table`), largest first, then "other". */
  rowsPerEventByTable?: Array<[string, number]>;
}

export interface LoadPhaseFigures {
  report: LoadReport;
  reads?: { queries: number; failures: number; p50: number; p99: number; communes: number; refreshingShare?: number; ageP99?: number };
  events: number;
  eventsPerSecond: number;
  relayLagMs: Percentiles & { events: number };
  visibleLagMs: Percentiles & { events: number };
  /** Including the relays' and consumers' work on the phase's events (read after they caught up). */
  cost?: PhaseCost;
  /** The services' upload groups by outcome during the phase (sync_groups_total). */
  groups?: Record<string, number>;
}

export interface BenchFigures {
  runId: string;
  startedAt: string;
  settings: Record<string, number | boolean>;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; kernel: string; node: string; postgres: string; kafka: string };
  baselines: { kafka: KafkaBaseline; postgres: PostgresBaseline };
  history: { events: number; communes: number; bytesPerEvent: number; publishSeconds: number };
  projection: { events: number; seconds: number; eventsPerSecond: number; cost?: PhaseCost };
  rebuild: { events: number; seconds: number; eventsPerSecond: number; cost?: PhaseCost };
  paced: LoadPhaseFigures;
  sustained: LoadPhaseFigures;
  /** Flat out with many households per upload (a day's work synced at once). */
  bigUploads?: LoadPhaseFigures;
  /** Each side alone: uploads with every consumer stopped, then the consumers on the backlog they left. */
  split?: {
    writes: LoadPhaseFigures;
    consumers: { events: number; seconds: number; eventsPerSecond: number; startupSeconds: number; allCaughtUpSeconds: number };
  };
  /** CPU per event by component, per phase label (projection, rebuild, paced, sustained, big-uploads, writes-alone). */
  cpu?: Record<string, CpuUse>;
  rssPeakMB: Record<string, Record<string, number>>;
  rssEndMB: Record<string, number>;
}

export interface Row {
  figure: string;
  value: string;
  target: string;
  verdict: string;
  vsBaseline: string;
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en') : 'n/a');
const ms = (n: number) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(1) : Math.round(n)} ms` : 'n/a');
const share = (part: number, whole: number) => (whole > 0 && Number.isFinite(part) ? `${((100 * part) / whole).toFixed(1)}% of ${int(whole)}/s` : '');
const check = (ok: boolean) => (ok ? 'met' : 'MISSED');
const perEvent = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : 'n/a');

/** The figures as rows: value, the issue's target and whether it was met, and the ratio to the raw baseline. */
export function reportRows(f: BenchFigures): Row[] {
  const kafkaRate = f.baselines.kafka.messagesPerSecond;
  const pgRate = f.baselines.postgres.rowsPerSecond;
  const peak = (name: string) => Math.max(...Object.values(f.rssPeakMB).map((phase) => phase[name] ?? 0));
  const sustainedWindow = f.settings.sustainedSeconds as number;
  return [
    { figure: 'raw Kafka produce+consume', value: `${int(kafkaRate)} msg/s`, target: '', verdict: '', vsBaseline: `${int(f.baselines.kafka.messages)} x ${f.baselines.kafka.bytesPerMessage} B` },
    { figure: 'raw Postgres multi-row insert', value: `${int(pgRate)} rows/s`, target: '', verdict: '', vsBaseline: `${int(f.baselines.postgres.rows)} x ${f.baselines.postgres.bytesPerRow} B` },
    {
      figure: `sustained writes, ${sustainedWindow} s flat out`,
      value: `${int(f.sustained.eventsPerSecond)} events/s`,
      target: '>= 3,000 events/s for 300 s',
      verdict: check(f.sustained.eventsPerSecond >= 3000 && sustainedWindow >= 300),
      vsBaseline: share(f.sustained.eventsPerSecond, kafkaRate),
    },
    { figure: 'HTTP /sync latency (flat out)', value: `p50 ${ms(f.sustained.report.latencyMs.p50)}, p99 ${ms(f.sustained.report.latencyMs.p99)}`, target: '', verdict: '', vsBaseline: `${int(f.sustained.report.requests)} requests, ${f.sustained.report.failures} failed` },
    { figure: 'relay lag commit->Kafka (flat out)', value: `p50 ${ms(f.sustained.relayLagMs.p50)}, p99 ${ms(f.sustained.relayLagMs.p99)}`, target: '', verdict: '', vsBaseline: '' },
    { figure: 'write->visible lag (flat out)', value: `p50 ${ms(f.sustained.visibleLagMs.p50)}, p99 ${ms(f.sustained.visibleLagMs.p99)}`, target: '', verdict: '', vsBaseline: '' },
    ...bigUploadRows(f, kafkaRate),
    { figure: `paced writes (asked ${int(f.settings.pacedRate as number)}/s)`, value: `${int(f.paced.eventsPerSecond)} events/s`, target: '', verdict: '', vsBaseline: `${int(f.paced.report.requests)} requests, ${f.paced.report.failures} failed` },
    { figure: 'HTTP /sync latency (paced)', value: `p50 ${ms(f.paced.report.latencyMs.p50)}, p99 ${ms(f.paced.report.latencyMs.p99)}`, target: '', verdict: '', vsBaseline: '' },
    { figure: 'relay lag commit->Kafka (paced)', value: `p50 ${ms(f.paced.relayLagMs.p50)}, p99 ${ms(f.paced.relayLagMs.p99)}`, target: '', verdict: '', vsBaseline: '' },
    {
      figure: 'write->visible lag (paced)',
      value: `p50 ${ms(f.paced.visibleLagMs.p50)}, p99 ${ms(f.paced.visibleLagMs.p99)}`,
      target: 'p99 < 1 s at 1,500 events/s',
      verdict: check(f.paced.visibleLagMs.p99 < 1000 && f.paced.eventsPerSecond >= 1400),
      vsBaseline: '',
    },
    {
      figure: `projection of ${int(f.projection.events)} events (live)`,
      value: `${int(f.projection.eventsPerSecond)} events/s`,
      target: '>= 25,000 events/s',
      verdict: check(f.projection.eventsPerSecond >= 25000),
      vsBaseline: share(f.projection.eventsPerSecond, kafkaRate),
    },
    { figure: `rebuild of ${int(f.rebuild.events)} events`, value: `${int(f.rebuild.eventsPerSecond)} events/s`, target: '>= 50,000 events/s', verdict: check(f.rebuild.eventsPerSecond >= 50000), vsBaseline: `${share(f.rebuild.eventsPerSecond, kafkaRate)}; ${share(f.rebuild.eventsPerSecond, pgRate).replace('/s', ' rows/s')}` },
    {
      figure: `province progress (${f.paced.reads?.communes ?? 0} communes, ${f.settings.readers} readers${f.settings.readerIntervalMs ? `, one request each per ${int(f.settings.readerIntervalMs as number)} ms` : ', closed loop'}${f.settings.readInstances ? `, ${f.settings.readInstances} read instance${f.settings.readInstances === 1 ? '' : 's'}` : ''})`,
      value: `p50 ${ms(f.paced.reads?.p50 ?? Number.NaN)}, p99 ${ms(f.paced.reads?.p99 ?? Number.NaN)}`,
      target: 'p99 < 50 ms, >= 200 communes',
      verdict: check((f.paced.reads?.p99 ?? Infinity) < 50 && (f.paced.reads?.communes ?? 0) >= 200),
      vsBaseline: `${int(f.paced.reads?.queries ?? 0)} queries during the paced load`,
    },
    {
      figure: 'province figures served while a refresh ran',
      value: `${Math.round((f.paced.reads?.refreshingShare ?? 0) * 100)}% of answers; age p99 ${ms(f.paced.reads?.ageP99 ?? Number.NaN)}`,
      target: '',
      verdict: '',
      vsBaseline: 'age: answer time minus the figures\' computedAt',
    },
    ...splitRows(f, kafkaRate),
    ...(
      [
        ['live projection', f.projection.cost],
        ['rebuild', f.rebuild.cost],
        ['paced load', f.paced.cost],
        ['flat out', f.sustained.cost],
        ['big uploads', f.bigUploads?.cost],
        ['writes alone', f.split?.writes.cost],
      ] as Array<[string, PhaseCost | undefined]>
    ).flatMap(([phase, cost]) =>
      cost
        ? [
            {
              figure: `database work per event (${phase})`,
              value: `${cost.statementsPerEvent === undefined ? '' : `${perEvent(cost.statementsPerEvent)} statements, `}${cost.roundTripsPerEvent === undefined ? '' : `${perEvent(cost.roundTripsPerEvent)} round trips, `}${perEvent(cost.commitsPerEvent)} commits, ${perEvent(cost.rowsWrittenPerEvent)} rows written`,
              target: '',
              verdict: '',
              vsBaseline: `pg_stat_database, all schemas${cost.statementsPerEvent === undefined ? '' : "; statements and round trips: the services' db_statements_total and db_round_trips_total"}`,
            },
            ...(cost.rowsPerEventByTable
              ? [
                  {
                    figure: `rows written per event by table (${phase})`,
                    value: cost.rowsPerEventByTable.map(([table, rows]) => `${table} ${perEvent(rows)}`).join(', '),
                    target: '',
                    verdict: '',
                    vsBaseline: 'pg_stat_user_tables, largest first',
                  },
                ]
              : []),
          ]
        : [],
    ),
    ...groupRows(f),
    ...cpuRows(f),
    ...Object.keys(f.rssEndMB).map((name) => ({ figure: `RSS ${name}`, value: `peak ${int(peak(name))} MB, end ${int(f.rssEndMB[name])} MB`, target: '< 300 MB', verdict: check(peak(name) < 300), vsBaseline: '' })),
  ];
}

const CPU_PHASES: Array<[label: string, phase: string]> = [
  ['projection', 'live projection'],
  ['rebuild', 'rebuild'],
  ['paced', 'paced load'],
  ['sustained', 'flat out'],
  ['big-uploads', 'big uploads'],
  ['writes-alone', 'writes alone'],
];

/** Whether uploads took the fast path (a group in one transaction) or were replayed item by item, and why. */
function groupRows(f: BenchFigures): Row[] {
  const phases: Array<[string, LoadPhaseFigures | undefined]> = [
    ['paced load', f.paced],
    ['flat out', f.sustained],
    ['big uploads', f.bigUploads],
    ['writes alone', f.split?.writes],
  ];
  return phases.flatMap(([phase, figures]) => {
    const groups = figures?.groups;
    const total = Object.values(groups ?? {}).reduce((sum, n) => sum + n, 0);
    if (!groups || total === 0) return [];
    return [
      {
        figure: `upload groups (${phase})`,
        value: Object.entries(groups)
          .sort((a, b) => b[1] - a[1])
          .map(([outcome, n]) => `${outcome} ${((100 * n) / total).toFixed(1)}%`)
          .join(', '),
        target: '',
        verdict: '',
        vsBaseline: `${int(total)} groups (sync_groups_total); "retried" went in together on a second try, all but those and "together" item by item`,
      },
    ];
  });
}

/** Where each phase's CPU went: the component to make cheaper is the one at the front. */
function cpuRows(f: BenchFigures): Row[] {
  return CPU_PHASES.flatMap(([label, phase]) => {
    const use = f.cpu?.[label];
    if (!use) return [];
    return [
      {
        figure: `CPU per event (${phase})`,
        value: use.msPerEvent.map(([name, ms]) => `${name} ${perEvent(ms)} ms`).join(', '),
        target: '',
        verdict: '',
        vsBaseline: `/proc, largest first; machine ${Number.isFinite(use.machineBusy) ? Math.round(use.machineBusy * 100) : 'n/a'}% busy${label === 'rebuild' ? '; the rebuild runs in the bench process' : ''}`,
      },
    ];
  });
}

/** The issue's second write target: phones uploading 100-item batches. */
function bigUploadRows(f: BenchFigures, kafkaRate: number): Row[] {
  if (!f.bigUploads) return [];
  const households = f.settings.householdsPerUpload as number;
  return [
    {
      figure: `sustained writes, ${f.settings.bigUploadSeconds} s flat out, ${households} households (${households * 5} registry items) per upload`,
      value: `${int(f.bigUploads.eventsPerSecond)} events/s`,
      target: '>= 6,000 events/s with 100-item batches',
      verdict: check(f.bigUploads.eventsPerSecond >= 6000 && households * 5 >= 100),
      vsBaseline: share(f.bigUploads.eventsPerSecond, kafkaRate),
    },
    { figure: `HTTP /sync latency (${households} households per upload)`, value: `p50 ${ms(f.bigUploads.report.latencyMs.p50)}, p99 ${ms(f.bigUploads.report.latencyMs.p99)}`, target: '', verdict: '', vsBaseline: `${int(f.bigUploads.report.requests)} requests, ${f.bigUploads.report.failures} failed` },
  ];
}

/** What each side reaches without the other on the same cores: the ceiling a change on that side can lift. */
function splitRows(f: BenchFigures, kafkaRate: number): Row[] {
  if (!f.split) return [];
  const { writes, consumers } = f.split;
  return [
    {
      figure: `writes alone, ${f.settings.splitSeconds} s flat out (consumers stopped)`,
      value: `${int(writes.eventsPerSecond)} events/s`,
      target: '',
      verdict: '',
      vsBaseline: `${share(writes.eventsPerSecond, kafkaRate)}; /sync p50 ${ms(writes.report.latencyMs.p50)}, p99 ${ms(writes.report.latencyMs.p99)}`,
    },
    {
      figure: `consumers alone on that backlog (${int(consumers.events)} events)`,
      value: `${int(consumers.eventsPerSecond)} events/s`,
      target: '',
      verdict: '',
      vsBaseline: `reporting's projections, from the first batch (start-up ${consumers.startupSeconds.toFixed(1)} s); every read model caught up ${consumers.allCaughtUpSeconds.toFixed(1)} s after start`,
    },
  ];
}

export function renderTable(rows: Row[]): string {
  const header: Row = { figure: 'figure', value: 'value', target: 'target', verdict: '', vsBaseline: 'vs raw baseline / notes' };
  const all = [header, ...rows];
  const keys: Array<keyof Row> = ['figure', 'value', 'target', 'verdict', 'vsBaseline'];
  const widths = keys.map((key) => Math.max(...all.map((row) => row[key].length)));
  const line = (row: Row) => `| ${keys.map((key, i) => row[key].padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function renderReport(f: BenchFigures): string {
  const m = f.machine;
  return [
    `Benchmark ${f.runId} (${f.startedAt}) on ${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}, PostgreSQL ${m.postgres}, Kafka ${m.kafka}`,
    `History: ${f.history.events.toLocaleString('en')} events (${f.history.bytesPerEvent} B each) over ${f.history.communes} communes, published in ${f.history.publishSeconds.toFixed(1)} s`,
    '',
    renderTable(reportRows(f)),
  ].join('\n');
}
