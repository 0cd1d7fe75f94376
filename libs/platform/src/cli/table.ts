export interface TableOptions {
  /** Columns (by index) aligned right, for numbers. */
  alignRight?: number[];
}

/**
 * A plain-text table for operator output: a header row, columns two spaces apart, no trailing
 * blanks (so `grep` and line-end patterns work on it). Widths count characters, not UTF-16 units.
 */
export function formatTable(header: string[], rows: string[][], { alignRight = [] }: TableOptions = {}): string {
  const all = [header, ...rows];
  const length = (text: string) => [...text].length;
  const widths = header.map((_, column) => Math.max(...all.map((row) => length(row[column] ?? ''))));
  const pad = (text: string, column: number) => {
    const fill = ' '.repeat(widths[column] - length(text));
    return alignRight.includes(column) ? `${fill}${text}` : `${text}${fill}`;
  };
  return all.map((row) => header.map((_, column) => pad(row[column] ?? '', column)).join('  ').trimEnd()).join('\n');
}
