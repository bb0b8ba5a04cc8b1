// Figures, medians and the table the benchmark ends with.

/** The median of some rounds (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Runs `round` `rounds` times, one after the other, and returns every result. */
export async function repeat<T>(rounds: number, round: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < rounds; i++) results.push(await round(i));
  return results;
}

export const MB = 1e6;
export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const mbps = (bytes: number, ms: number) => `${(bytes / MB / (ms / 1000)).toFixed(1)} MB/s`;

/** One line of the closing table: a figure, what it is compared with, the ratio and the target it must meet. */
export interface Check {
  figure: string;
  value: string;
  reference: string;
  ratio: number;
  /** `>=` or `<=` the target ratio. */
  target: { op: '>=' | '<='; ratio: number };
}

const meets = ({ ratio, target }: Check) =>
  target.op === '>=' ? ratio >= target.ratio : ratio <= target.ratio;

/** Prints the checks as a table; returns how many miss their target. */
export function printChecks(checks: Check[]): number {
  const rows = checks.map((check) => [
    check.figure,
    check.value,
    check.reference,
    check.ratio.toFixed(2),
    `${check.target.op} ${check.target.ratio}`,
    meets(check) ? 'met' : 'MISSED',
  ]);
  printTable(['figure', 'value', 'reference', 'ratio', 'target', ''], rows);
  return checks.filter((check) => !meets(check)).length;
}

/** Prints rows as left-aligned columns under a header. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
}
