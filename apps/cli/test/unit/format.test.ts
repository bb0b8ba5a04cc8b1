// What the CLI prints: counts in the right number, sizes, times and tables.
import { describe, expect, it } from 'vitest';
import { count, formatSize, formatTime, table } from '../../src/format.ts';

describe('count', () => {
  it('says one in the singular and any other number in the plural', () => {
    expect(count(1, 'manifest')).toBe('1 manifest');
    expect(count(2, 'manifest')).toBe('2 manifests');
    expect(count(0, 'blob')).toBe('0 blobs');
    expect(count(1, 'repository', 'repositories')).toBe('1 repository');
    expect(count(3, 'repository', 'repositories')).toBe('3 repositories');
  });
});

describe('formatSize', () => {
  it('uses bytes below a KiB and binary units with one decimal above', () => {
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(1023)).toBe('1023 B');
    expect(formatSize(1024)).toBe('1.0 KiB');
    expect(formatSize(1.5 * 1024 * 1024)).toBe('1.5 MiB');
    expect(formatSize(3 * 1024 ** 3)).toBe('3.0 GiB');
    expect(formatSize(2048 * 1024 ** 4)).toBe('2048.0 TiB');
  });
});

describe('formatTime', () => {
  it('writes ECR epoch seconds as UTC ISO 8601 to the second, and a dash for none', () => {
    expect(formatTime(1_700_000_000)).toBe('2023-11-14T22:13:20Z');
    expect(formatTime(1_700_000_000.7)).toBe('2023-11-14T22:13:20Z');
    expect(formatTime(undefined)).toBe('-');
  });
});

describe('table', () => {
  it('pads every column but the last to its widest cell, two spaces apart', () => {
    expect(
      table(
        ['NAME', 'IMAGES', 'URI'],
        [
          ['hello-world', '2', 'h/x'],
          ['a', '10', 'h/a'],
        ],
      ),
    ).toBe('NAME         IMAGES  URI\nhello-world  2       h/x\na            10      h/a\n');
  });
});
