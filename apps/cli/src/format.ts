/**
 * How the CLI writes counts, sizes, times and tables on stdout: plain text that reads well in a terminal and
 * splits on runs of spaces in a script.
 * @module
 */

/**
 * `1 manifest`, `2 manifests`: the count and the noun in the number it needs.
 * @example
 * count(1, 'blob'); // '1 blob'
 * count(3, 'repository', 'repositories'); // '3 repositories'
 */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/**
 * A size in binary units, as `docker images` and the ECR console show them: `512 B`, `1.5 MiB`.
 * @example
 * formatSize(3 * 1024 * 1024); // '3.0 MiB'
 */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/**
 * An ECR timestamp (seconds since the epoch, as the wire carries it) in UTC to the second, ISO 8601.
 * @example
 * formatTime(1_700_000_000); // '2023-11-14T22:13:20Z'
 */
export function formatTime(epochSeconds: number | undefined): string {
  if (epochSeconds === undefined) return '-';
  return new Date(Math.round(epochSeconds * 1000)).toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * Rows under a header, each column as wide as its widest cell, two spaces apart; the last column is not
 * padded, so no line ends in spaces.
 * @example
 * table(['NAME', 'IMAGES'], [['hello', '2']]); // 'NAME   IMAGES\nhello  2\n'
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  '),
    )
    .map((line) => `${line}\n`)
    .join('');
}
