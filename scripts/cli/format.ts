/** Plain-text output for operators: aligned tables and `key: value` blocks, dates as ISO strings. */

type Cell = string | number | boolean | Date | null | undefined;

export function formatCell(value: Cell): string {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

export function formatTable(headers: string[], rows: Cell[][]): string {
  if (rows.length === 0) return '(none)\n';
  const cells = rows.map((row) => row.map(formatCell));
  const widths = headers.map((header, column) => Math.max(header.length, ...cells.map((row) => row[column].length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n') + '\n';
}

export function formatFields(fields: Record<string, Cell>): string {
  const width = Math.max(...Object.keys(fields).map((key) => key.length));
  return (
    Object.entries(fields)
      .map(([key, value]) => `${`${key}:`.padEnd(width + 1)} ${formatCell(value)}`)
      .join('\n') + '\n'
  );
}

export const TOKEN_WARNING =
  'Store this token now: it is shown only once and cannot be recovered (only its hash is kept).';
