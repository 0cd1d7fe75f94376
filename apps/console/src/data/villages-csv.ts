import { splitCsvLine } from '@dtc/csv';

/**
 * Villages from a spreadsheet saved as CSV: one village per line, its code then its name
 * (`THON-1,Thôn 1`), comma or semicolon separated (Excel in Vietnamese saves with semicolons),
 * an optional header line, names in double quotes when they hold a separator. Lines that cannot be
 * read are reported by number; the registry checks the rest.
 */
export interface VillageRow {
  line: number;
  code: string;
  name: string;
}

export interface VillagesFile {
  rows: VillageRow[];
  /** lines that cannot be read: no code or no name, or more than two columns */
  unreadable: Array<{ line: number; reason: 'missing' | 'extra' }>;
}

const HEADER = /^(code|mã|ma)$/i;

export function parseVillagesCsv(text: string): VillagesFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const separator = (lines.find((line) => line.trim()) ?? '').includes(';') ? ';' : ',';
  const rows: VillageRow[] = [];
  const unreadable: VillagesFile['unreadable'] = [];
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (!raw.trim()) return;
    const [code = '', name = '', ...rest] = splitCsvLine(raw, separator).map((cell) => cell.trim());
    if (rows.length === 0 && unreadable.length === 0 && HEADER.test(code)) return;
    if (!code || !name) return void unreadable.push({ line, reason: 'missing' });
    if (rest.some(Boolean)) return void unreadable.push({ line, reason: 'extra' });
    rows.push({ line, code: code.toUpperCase(), name });
  });
  return { rows, unreadable };
}
