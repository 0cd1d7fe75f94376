// What the integrator keeps between runs, in one directory:
//   events.jsonl  every event received, one envelope per line, in feed order
//   state.json    the cursor to continue after, how many bytes of events.jsonl belong to it,
//                 and per-commune counts by event type
// A page is written in two steps: lines appended to events.jsonl (flushed), then state.json
// replaced atomically (write a temporary file, flush, rename). A crash between the two leaves
// lines past `outputBytes`; the next start cuts them off and reads that page again, so every
// event ends up in the output exactly once.
import fs from 'node:fs';
import path from 'node:path';

function emptyState(province) {
  return { version: 1, province, cursor: null, events: 0, outputBytes: 0, counts: {}, updatedAt: null };
}

function writeDurably(file, text, flags) {
  const fd = fs.openSync(file, flags);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function openStateStore(directory, province) {
  fs.mkdirSync(directory, { recursive: true });
  const stateFile = path.join(directory, 'state.json');
  const outputFile = path.join(directory, 'events.jsonl');

  /** The saved state; output past the saved position (a page whose state was never saved) is cut off. */
  function load() {
    const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : emptyState(province);
    if (state.province !== province) throw new Error(`${stateFile} belongs to province ${state.province}, not ${province}`);
    const size = fs.existsSync(outputFile) ? fs.statSync(outputFile).size : 0;
    if (size < state.outputBytes) throw new Error(`${outputFile} is shorter than ${stateFile} says (${size} < ${state.outputBytes} bytes); restore both or start a new directory`);
    if (size > state.outputBytes) fs.truncateSync(outputFile, state.outputBytes);
    return { state, discardedBytes: size - state.outputBytes };
  }

  /** Appends a page's events and moves the state to the page's cursor. */
  function savePage(state, events, cursor) {
    const lines = events.map((event) => `${JSON.stringify(event)}\n`).join('');
    if (lines) writeDurably(outputFile, lines, 'a');
    const counts = structuredClone(state.counts);
    for (const event of events) {
      const commune = (counts[event.tenant] ??= {});
      commune[event.type] = (commune[event.type] ?? 0) + 1;
    }
    const next = { ...state, cursor, events: state.events + events.length, outputBytes: state.outputBytes + Buffer.byteLength(lines), counts, updatedAt: new Date().toISOString() };
    const temporary = `${stateFile}.tmp`;
    writeDurably(temporary, `${JSON.stringify(next, null, 2)}\n`, 'w');
    fs.renameSync(temporary, stateFile);
    return next;
  }

  return { load, savePage, stateFile, outputFile };
}
