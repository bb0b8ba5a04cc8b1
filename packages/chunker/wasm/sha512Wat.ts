/**
 * The source of `src/sha512.wasm`: the SHA-512 compression function (FIPS 180-4 §6.4.2) written as WebAssembly
 * text on native i64, the 80 rounds and the message schedule unrolled by this generator. Hand-written for the
 * reason `sha256Wat.ts` gives: the midstate must be one @noble/hashes can restore.
 *
 * Memory layout (one exported memory): bytes 0..63 hold H0..H7 as sixteen native (little-endian) i32 halves,
 * high half first (noble's order, so JavaScript copies its words in and out unchanged); the input area of
 * `inputBytes` bytes starts at `input`. `hashBlocks(n)` hashes the first `n` 128-byte blocks of the input area
 * into H0..H7.
 * @module
 */
import { hashModule, watOps } from './_wat.ts';

/** Where the input area starts in the module's memory. */
const INPUT_OFFSET = 128;
/** Size of the input area (as SHA-256's). */
const INPUT_BYTES = 256 * 1024;

const { get, constant: c64, rotr, add } = watOps('i64');

/** The first `count` primes. */
function primes(count: number): bigint[] {
  const found: bigint[] = [];
  for (let n = 2n; found.length < count; n++) if (found.every((p) => n % p !== 0n)) found.push(n);
  return found;
}

/** The integer cube root of `n` (Newton's method from above). */
function cubeRoot(n: bigint): bigint {
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 3));
  for (;;) {
    const next = (2n * x + n / (x * x)) / 3n;
    if (next >= x) return x;
    x = next;
  }
}

/**
 * SHA-512 round constants K0..K79 (FIPS 180-4 §4.2.3): the first 64 bits of the fractional parts of the cube
 * roots of the first 80 primes, computed from that definition rather than copied as a table of 80 literals
 * (the module's known-answer check catches any slip).
 */
export const K512: readonly bigint[] = primes(80).map((p) => cubeRoot(p << 192n) & ((1n << 64n) - 1n));

/**
 * σ and Σ as nested rotations of one value: ROTR^r1(x ^ ROTR^(r2-r1)(x ^ ROTR^(r3-r2)(x))) equals
 * ROTR^r1(x) ^ ROTR^r2(x) ^ ROTR^r3(x) (see `sha256Wat.ts`).
 */
function bigSigma(x: string, [p, q, r]: readonly [number, number, number]): string {
  return rotr(`(i64.xor ${x} ${rotr(`(i64.xor ${x} ${rotr(x, r - q)})`, q - p)})`, p);
}

/** σ(x) = ROTR^r1(x) ^ ROTR^r2(x) ^ SHR^s(x). */
function smallSigma(x: string, [p, q, s]: readonly [number, number, number]): string {
  return `(i64.xor ${rotr(`(i64.xor ${x} ${rotr(x, q - p)})`, p)} (i64.shr_u ${x} ${c64(s)}))`;
}

/** Byte swap of an i64: bytes within halves of 16 bits, then halves within 32 bits, then the two 32-bit halves. */
function bswap(x: string): string {
  const t = get('t');
  const swap8 =
    `(i64.or (i64.shl (i64.and (local.tee $t ${x}) ${c64(0x00ff00ff00ff00ffn)}) ${c64(8)}) ` +
    `(i64.and (i64.shr_u ${t} ${c64(8)}) ${c64(0x00ff00ff00ff00ffn)}))`;
  const swap16 =
    `(i64.or (i64.shl (i64.and (local.tee $t ${swap8}) ${c64(0x0000ffff0000ffffn)}) ${c64(16)}) ` +
    `(i64.and (i64.shr_u ${t} ${c64(16)}) ${c64(0x0000ffff0000ffffn)}))`;
  return `(i64.rotl ${swap16} ${c64(32)})`;
}

/** H(i) of the state in memory: its high and low i32 halves joined. */
function loadState(i: number): string {
  return (
    `(i64.or (i64.shl (i64.extend_i32_u (i32.load offset=${i * 8} (i32.const 0))) ${c64(32)}) ` +
    `(i64.extend_i32_u (i32.load offset=${i * 8 + 4} (i32.const 0))))`
  );
}

/** Stores local `name` as H(i): high half, then low half. */
function storeState(i: number, name: string): string[] {
  return [
    `(i32.store offset=${i * 8} (i32.const 0) (i32.wrap_i64 (i64.shr_u ${get(name)} ${c64(32)})))`,
    `(i32.store offset=${i * 8 + 4} (i32.const 0) (i32.wrap_i64 ${get(name)}))`,
  ];
}

/** W[t] for t >= 16 (§6.4.2 step 1), kept in the 16-word ring `$w0..$w15`. */
function schedule(t: number): string {
  const w = (back: number): string => get(`w${(t - back) & 15}`);
  return `(local.set $w${t & 15} ${add(w(16), smallSigma(w(15), [1, 8, 7]), w(7), smallSigma(w(2), [19, 61, 6]))})`;
}

/**
 * Round t (§6.4.2 step 3) on the working variables named by `v` = [a, b, c, d, e, f, g, h]; the names rotate
 * instead of the values moving, and Maj reuses the previous round's a ^ b (as in `sha256Wat.ts`).
 */
function round(t: number, v: readonly string[]): string[] {
  const [a, b, , d, e, f, g, h] = v as [string, string, string, string, string, string, string, string];
  const ch = `(i64.xor ${get(g)} (i64.and ${get(e)} (i64.xor ${get(f)} ${get(g)})))`;
  const majority = `(i64.xor ${get(b)} (i64.and (local.tee $ab (i64.xor ${get(a)} ${get(b)})) ${get('bc')}))`;
  return [
    `(local.set $t1 ${add(get(h), bigSigma(get(e), [14, 18, 41]), ch, c64(K512[t] as bigint), get(`w${t & 15}`))})`,
    `(local.set $${d} (i64.add ${get(d)} ${get('t1')}))`,
    `(local.set $${h} ${add(get('t1'), bigSigma(get(a), [28, 34, 39]), majority)})`,
    `(local.set $bc ${get('ab')})`,
  ];
}

/**
 * The module's text. `hashBlocks(n)` reads H0..H7 from memory, compresses `n` blocks from the input area and
 * writes H0..H7 back.
 * @example
 * const wat = sha512Wat(); // assemble with wabt's parseWat(...).toBinary({})
 */
export function sha512Wat(): string {
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const body: string[] = [];
  names.forEach((name, i) => {
    body.push(`(local.set $${name} ${loadState(i)})`);
  });
  body.push(`(local.set $p (i32.const ${INPUT_OFFSET}))`);
  body.push(`(local.set $end (i32.add (i32.const ${INPUT_OFFSET}) (i32.shl ${get('n')} (i32.const 7))))`);
  body.push('(block $done (loop $next');
  body.push(`(br_if $done (i32.ge_u ${get('p')} ${get('end')}))`);
  for (let i = 0; i < 16; i++)
    body.push(`(local.set $w${i} ${bswap(`(i64.load offset=${i * 8} ${get('p')})`)})`);
  body.push(`(local.set $bc (i64.xor ${get('b')} ${get('c')}))`);
  let v = [...names];
  for (let t = 0; t < 80; t++) {
    if (t >= 16) body.push(schedule(t));
    body.push(...round(t, v));
    v = [v[7] as string, ...v.slice(0, 7)];
  }
  // 80 rotations bring every name back to its role: add the block's result into H0..H7 (§6.4.2 step 4).
  names.forEach((name, i) => {
    body.push(`(local.set $${name} (i64.add ${get(name)} ${loadState(i)}))`);
    body.push(...storeState(i, name));
  });
  body.push(`(local.set $p (i32.add ${get('p')} (i32.const 128)))`);
  body.push('(br $next)))');
  const wide = [...names, ...Array.from({ length: 16 }, (_, i) => `w${i}`), 't', 't1', 'ab', 'bc'];
  const locals = `${wide.map((name) => `(local $${name} i64)`).join(' ')} (local $p i32) (local $end i32)`;
  return hashModule({ inputOffset: INPUT_OFFSET, inputBytes: INPUT_BYTES, locals, body });
}
