/**
 * The villages to onboard, from `--village CODE=NAME` flags and/or a `--villages-file` (CSV with
 * a code,name header, or JSON). Checked here with the registry's own rules, so a typo stops the
 * command before anything is created, with the flag or file line that holds it.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { splitCsvLine } from '@dtc/csv';
import { UsageError } from '@dtc/platform';

export interface VillageInput {
  code: string;
  name: string;
  /** Where it came from, for messages: `--village` or `villages.csv line 4`. */
  source: string;
}

const CODE = /^[A-Z0-9][A-Z0-9-]{0,31}$/;

function checked(code: string, name: string, source: string): VillageInput {
  const trimmed = { code: code.trim(), name: name.trim() };
  if (!CODE.test(trimmed.code)) throw new UsageError(`${source}: village code "${trimmed.code}" must be 1-32 upper-case letters, digits or dashes`);
  if (trimmed.name.length < 1 || trimmed.name.length > 200) throw new UsageError(`${source}: village ${trimmed.code} needs a name of 1-200 characters`);
  return { ...trimmed, source };
}

export function villagesFromFlags(values: string[]): VillageInput[] {
  return values.map((value) => {
    const equals = value.indexOf('=');
    if (equals < 0) throw new UsageError(`--village takes CODE=NAME, e.g. --village "THON-1=Thôn 1" (got "${value}")`);
    return checked(value.slice(0, equals), value.slice(equals + 1), '--village');
  });
}

export function villagesFromFile(path: string): VillageInput[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, ''); // spreadsheet exports start with a BOM
  } catch (error) {
    throw new UsageError(`--villages-file: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return extname(path).toLowerCase() === '.json' ? fromJson(text, path) : fromCsv(text, path);
}

function fromJson(text: string, path: string): VillageInput[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--villages-file ${path} is not valid JSON (${(error as Error).message})`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { villages?: unknown })?.villages;
  if (!Array.isArray(list)) throw new UsageError(`--villages-file ${path} must hold an array of {"code", "name"} (or {"villages": [...]})`);
  return list.map((item: unknown, index) => {
    const { code, name } = (item ?? {}) as { code?: unknown; name?: unknown };
    if (typeof code !== 'string' || typeof name !== 'string') throw new UsageError(`--villages-file ${path} item ${index + 1}: needs "code" and "name" strings`);
    return checked(code, name, `--villages-file ${path} item ${index + 1}`);
  });
}

/** CSV with a header naming `code` and `name` columns (any order, others ignored); "quoted, fields" allowed. */
function fromCsv(text: string, path: string): VillageInput[] {
  const lines = text.split(/\r?\n/).map((line, index) => ({ number: index + 1, cells: splitCsvLine(line) })).filter((line) => line.cells.some((cell) => cell.trim() !== ''));
  if (lines.length === 0) throw new UsageError(`--villages-file ${path} is empty`);
  const header = lines[0].cells.map((cell) => cell.trim().toLowerCase());
  const codeColumn = header.indexOf('code');
  const nameColumn = header.indexOf('name');
  if (codeColumn < 0 || nameColumn < 0) throw new UsageError(`--villages-file ${path}: the first line must be a header with "code" and "name" columns (got "${lines[0].cells.join(',')}")`);
  return lines.slice(1).map(({ number, cells }) => checked(cells[codeColumn] ?? '', cells[nameColumn] ?? '', `--villages-file ${path} line ${number}`));
}

/** One list in input order; the same code twice is fine only with the same name. */
export function mergeVillages(...lists: VillageInput[][]): VillageInput[] {
  const byCode = new Map<string, VillageInput>();
  for (const village of lists.flat()) {
    const seen = byCode.get(village.code);
    if (seen && seen.name !== village.name) throw new UsageError(`village ${village.code} is given twice with different names: "${seen.name}" (${seen.source}) and "${village.name}" (${village.source})`);
    if (!seen) byCode.set(village.code, village);
  }
  return [...byCode.values()];
}
