/**
 * Indexes a tar archive by hopping from header to header with `Blob.slice`, never reading a file's contents.
 *
 * Hand-written on purpose: the tar libraries that run on web streams (`modern-tar`'s `createTarDecoder`,
 * `nanotar`'s `parseTar`) parse only a stream or a whole buffer, so every byte of every layer would pass
 * through them; `tar-stream` needs Node streams. None parses one 512-byte header block on its own, which is
 * what seeking needs. The format is small: ustar blocks, pax extended headers (`x`, for long names and sizes
 * over 8 GiB), GNU long names (`L`, `K`) and GNU base-256 sizes. The tests cross-check this index against
 * `modern-tar`'s decoder on the same archives.
 * @module
 */
import { type BlobLike, readRange } from './blobLike.ts';
import { ImageArchiveError } from './errors.ts';

const BLOCK = 512;
/** pax and GNU long-name bodies are names and numbers; anything larger is not an archive we can trust. */
const MAX_META_BODY = 1024 * 1024;

/** One regular file (or link to one) of the archive: where its bytes lie in the archive blob. */
export interface TarFile {
  /** The entry's path, as stored (long names resolved). */
  readonly path: string;
  /** Byte offset of the contents in the archive. */
  readonly offset: number;
  readonly size: number;
  /** For a hard or symbolic link: which, and the path it points to (as stored); offset and size are unused. */
  readonly link?: { readonly kind: 'hard' | 'symbolic'; readonly target: string };
}

const decoder = new TextDecoder();

function readString(block: Uint8Array, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return decoder.decode(end === -1 ? field : field.subarray(0, end));
}

/** Numeric fields are octal text, or GNU base-256 (high bit of the first byte set) for values past 8 GiB. */
function readNumber(block: Uint8Array, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  const text = readString(block, start, length).trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

/** The header checksum: the unsigned sum of the block with the checksum field read as spaces. */
function checksumMatches(block: Uint8Array): boolean {
  const stored = readNumber(block, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  return sum === stored;
}

function isZeroBlock(block: Uint8Array): boolean {
  return block.every((b) => b === 0);
}

/** pax records: `<length> <key>=<value>\n`, the length counting the whole record. */
function parsePax(body: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    if (space === -1) break;
    const length = Number.parseInt(decoder.decode(body.subarray(pos, space)), 10);
    if (!Number.isInteger(length) || length <= 0 || pos + length > body.length) break;
    const record = decoder.decode(body.subarray(space + 1, pos + length - 1));
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    pos += length;
  }
  return records;
}

function notATar(message: string): ImageArchiveError {
  return new ImageArchiveError('NotATar', message);
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Lists the files of the tar archive `blob` by reading only its headers (512 bytes per entry, plus pax and GNU
 * long-name bodies). Directories and other special entries are left out.
 * @throws {ImageArchiveError} `NotATar` when the first header is not a valid tar header, or a later header
 * or the archive's end is broken.
 */
export async function indexTar(blob: BlobLike): Promise<TarFile[]> {
  const files: TarFile[] = [];
  let offset = 0;
  // Overrides a pax `x` or GNU `L`/`K` entry sets for the next entry only.
  let pending: { path?: string; linkTarget?: string; size?: number } = {};
  while (offset + BLOCK <= blob.size) {
    const block = await readRange(blob, offset, BLOCK);
    if (isZeroBlock(block)) return files;
    if (!checksumMatches(block)) {
      if (offset === 0 && GZIP_MAGIC.every((b, i) => block[i] === b)) {
        throw notATar(
          'This file is a gzip-compressed archive; decompress it first (gunzip) and choose the .tar.',
        );
      }
      throw notATar(
        offset === 0
          ? 'This file is not a tar archive: choose the .tar that `docker save` writes, or an OCI image layout.'
          : `The tar archive is damaged: the entry header at byte ${offset} is not valid.`,
      );
    }
    const type = String.fromCharCode(block[156] ?? 0);
    const isMeta = type === 'x' || type === 'L' || type === 'K';
    // A pax size is for the entry the pax header describes, not for another extended header in between.
    const size = (isMeta ? undefined : pending.size) ?? readNumber(block, 124, 12);
    if (!Number.isSafeInteger(size) || size < 0) {
      throw notATar(`The tar archive is damaged: the entry header at byte ${offset} has no valid size.`);
    }
    const dataOffset = offset + BLOCK;
    if (dataOffset + size > blob.size) {
      throw notATar(`The tar archive is cut short: an entry needs ${size} bytes at byte ${dataOffset}.`);
    }
    const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    if (isMeta) {
      if (size > MAX_META_BODY) throw notATar(`The tar archive is damaged: a ${size}-byte extended header.`);
      const body = await readRange(blob, dataOffset, size);
      if (type === 'x') {
        const pax = parsePax(body);
        const paxSize = pax.get('size');
        pending = {
          ...pending,
          ...(pax.has('path') ? { path: pax.get('path') } : {}),
          ...(pax.has('linkpath') ? { linkTarget: pax.get('linkpath') } : {}),
          ...(paxSize === undefined ? {} : { size: Number(paxSize) }),
        };
      } else {
        const text = readString(body, 0, body.length);
        pending = type === 'L' ? { ...pending, path: text } : { ...pending, linkTarget: text };
      }
      offset = next;
      continue;
    }
    const magic = readString(block, 257, 6);
    const prefix = magic === 'ustar' ? readString(block, 345, 155) : '';
    const storedName = readString(block, 0, 100);
    const path = pending.path ?? (prefix ? `${prefix}/${storedName}` : storedName);
    const linkTarget = pending.linkTarget ?? readString(block, 157, 100);
    if (type === '0' || type === '\0' || type === '7') files.push({ path, offset: dataOffset, size });
    else if (type === '1' || type === '2') {
      const kind = type === '1' ? 'hard' : 'symbolic';
      files.push({ path, offset: dataOffset, size: 0, link: { kind, target: linkTarget } });
    }
    // Directories, devices, FIFOs and pax global headers (`g`) carry nothing an image needs.
    pending = {};
    offset = next;
  }
  if (offset === 0) throw notATar('This file is not a tar archive: it is shorter than one tar header.');
  // Some writers end without the two zero blocks: an archive that stops right after an entry is whole.
  if (offset !== blob.size) throw notATar(`The tar archive is cut short at byte ${blob.size}.`);
  return files;
}
