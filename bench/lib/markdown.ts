/** Markdown tables for bench/results/*.md and the console. */
export function table(headers: string[], rows: Array<Array<string | number>>, align?: Array<'l' | 'r'>): string {
  const rule = headers.map((_, i) => ((align?.[i] ?? 'l') === 'r' ? '---:' : '---'));
  const line = (cells: Array<string | number>) => `| ${cells.map((c) => String(c)).join(' | ')} |`;
  return [line(headers), line(rule), ...rows.map(line)].join('\n');
}

/** A number for a table: fixed digits, or '—' when not measured. */
export function cell(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return n.toFixed(digits);
}

/** A ratio like `2.3×`. */
export function ratio(a: number | null | undefined, b: number | null | undefined, digits = 2): string {
  if (!a || !b || !Number.isFinite(a) || !Number.isFinite(b)) return '—';
  return `${(a / b).toFixed(digits)}×`;
}
