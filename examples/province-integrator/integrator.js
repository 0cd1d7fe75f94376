#!/usr/bin/env node
// An example provincial integrator: pages a province feed of the DTC platform, validates every
// event against the published JSON Schemas, and keeps its cursor so a restart continues exactly
// where it stopped. See README.md. It uses only Node and Ajv, as an outside party would.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadValidator, InvalidEventError } from './lib/event-validator.js';
import { createFeedClient } from './lib/feed-client.js';
import { openStateStore } from './lib/state-store.js';

const here = path.dirname(fileURLToPath(import.meta.url));

const USAGE = `usage: DTC_TOKEN=<integrator token> node integrator.js --url http://localhost:3004 --province 38 [options]
  --out DIR            where events.jsonl and state.json are kept (default ./province-<code>)
  --schemas DIR        the published schemas (default ../../docs/events/schemas)
  --page-size N        events per request, 1-1000 (default 500)
  --since ISO          first run only: start at events the feed received from this instant
  --follow             keep polling for new events after catching up (stop with Ctrl-C)
  --poll-seconds S     pause between polls when caught up (default 5)
  --max-pages N        stop after N pages (for trials)`;

function options() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      province: { type: 'string' },
      out: { type: 'string' },
      schemas: { type: 'string', default: path.join(here, '..', '..', 'docs', 'events', 'schemas') },
      'page-size': { type: 'string', default: '500' },
      since: { type: 'string' },
      follow: { type: 'boolean', default: false },
      'poll-seconds': { type: 'string', default: '5' },
      'max-pages': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const token = process.env.DTC_TOKEN;
  const problems = [];
  if (!values.url) problems.push('--url is required');
  if (!/^[0-9]{2}$/.test(values.province ?? '')) problems.push('--province must be a 2-digit province code');
  if (!token) problems.push('DTC_TOKEN must hold the bearer token (npm run token -- --role integrator --province 38)');
  const pageSize = Number(values['page-size']);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) problems.push('--page-size must be 1-1000');
  const pollSeconds = Number(values['poll-seconds']);
  if (!(pollSeconds >= 0)) problems.push('--poll-seconds must be a number of seconds');
  const maxPages = values['max-pages'] === undefined ? Infinity : Number(values['max-pages']);
  if (!(maxPages >= 1)) problems.push('--max-pages must be at least 1');
  if (problems.length > 0) {
    console.error(`${problems.join('\n')}\n${USAGE}`);
    process.exit(1);
  }
  return { ...values, token, pageSize, pollSeconds, maxPages, out: values.out ?? `province-${values.province}` };
}

async function main() {
  const config = options();
  const validate = loadValidator(config.schemas);
  const store = openStateStore(config.out, config.province);
  const feed = createFeedClient({
    baseUrl: config.url,
    province: config.province,
    token: config.token,
    onRetry: (error, attempt) => console.error(`retrying (${attempt}): ${error.message}`),
  });

  let { state, discardedBytes } = store.load();
  if (discardedBytes > 0) console.log(`discarded ${discardedBytes} bytes written after the last saved cursor (an interrupted page); reading that page again`);
  console.log(state.cursor ? `resuming after ${state.cursor} (${state.events} events so far)` : config.since ? `starting at events received since ${config.since}` : 'starting at the beginning of the feed');

  // Ctrl-C / SIGTERM: finish the page in hand (its state is saved), then stop.
  let stopping = false;
  let wake = () => undefined;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      stopping = true;
      wake();
    });
  }
  const pause = (ms) => new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });

  for (let pages = 0; !stopping && pages < config.maxPages; ) {
    const position = state.cursor ? { after: state.cursor } : { since: config.since };
    const page = await feed.page({ ...position, limit: config.pageSize });
    for (const event of page.events) validate(event);
    if (page.events.length > 0 || page.next !== state.cursor) {
      state = store.savePage(state, page.events, page.next);
      pages += 1;
      console.log(`page: ${page.events.length} events, ${state.events} in all, cursor ${state.cursor}`);
    }
    if (page.hasMore) continue;
    if (!config.follow) break;
    await pause(config.pollSeconds * 1000);
  }
  console.log(`stopped: ${state.events} events, cursor ${state.cursor}`);
}

main().catch((error) => {
  console.error(error instanceof InvalidEventError ? `stopping at an invalid event (nothing after the last saved cursor was kept): ${error.message}` : `failed: ${error.message}`);
  process.exit(error instanceof InvalidEventError ? 2 : 1);
});
