// Human output: aligned columns for lists, label/value lines for one object.

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

/** A cell as text: '-' for nothing, lists comma-separated, objects as compact JSON, one line always. */
export function cell(v: unknown): string {
  if (v === undefined || v === null || v === '') return '-';
  if (Array.isArray(v)) return v.length === 0 ? '-' : v.map(cell).join(', ');
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.replace(/[\r\n\t]+/g, ' ');
}

export function formatTable<T>(columns: Column<T>[], rows: readonly T[]): string {
  const cells = rows.map((r) => columns.map((c) => cell(c.value(r))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

/** `label  value` lines with the labels aligned. */
export function formatFields(fields: Array<[string, unknown]>): string {
  const width = Math.max(0, ...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${k.padEnd(width)}  ${cell(v)}`.trimEnd()).join('\n') + '\n';
}
