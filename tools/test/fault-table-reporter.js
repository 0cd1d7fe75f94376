'use strict';
// Jest reporter for the fault suite: each fault test appends its figures to
// .data/fault-table.jsonl (tests/faults/support/exactness.ts); this prints them as one table
// at the end of the run: fault, events written, events in projection, duplicates, lost.
const fs = require('node:fs');
const path = require('node:path');

const FILE = path.resolve(__dirname, '..', '..', '.data', 'fault-table.jsonl');
const COLUMNS = [
  ['fault', 'fault'],
  ['written', 'events written'],
  ['delivered', 'messages delivered (copies incl.)'],
  ['inProjection', 'events in projection'],
  ['duplicates', 'duplicates'],
  ['lost', 'lost'],
];

class FaultTableReporter {
  onRunStart() {
    fs.rmSync(FILE, { force: true });
  }

  onRunComplete() {
    if (!fs.existsSync(FILE)) return;
    const rows = fs
      .readFileSync(FILE, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    if (rows.length === 0) return;
    const cells = [COLUMNS.map(([, title]) => title), ...rows.map((row) => COLUMNS.map(([key]) => String(row[key])))];
    const widths = COLUMNS.map((_, column) => Math.max(...cells.map((line) => line[column].length)));
    const render = (line) => `| ${line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(' | ')} |`;
    const lines = [render(cells[0]), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...cells.slice(1).map(render)];
    process.stdout.write(`\nFault suite: every event written is in the projections once\n${lines.join('\n')}\n`);
  }
}

module.exports = FaultTableReporter;
