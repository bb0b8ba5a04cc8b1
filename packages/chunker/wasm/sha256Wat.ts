/**
 * The source of `src/sha256.wasm`: the SHA-256 compression function (FIPS 180-4 §6.2.2) written as WebAssembly
 * text, with the 64 rounds and the message schedule unrolled by this generator. Hand-written rather than taken
 * from a package because no well-kept WebAssembly SHA-256 exposes its midstate (hash-wasm keeps it inside its
 * own memory layout and has no export/import of it), and the whole point is a state that noble can restore.
 *
 * Only whole 64-byte blocks are hashed here; the partial block, the length and the padding stay in JavaScript
 * (`src/_wasmHash.ts`), so the eight words A..H are the whole wasm-side state and are interchangeable with
 * @noble/hashes' midstate.
 *
 * Memory layout (one exported memory): bytes 0..31 hold H0..H7 as native (little-endian) i32; the input area
 * of `inputBytes` bytes starts at `input`. `hashBlocks(n)` hashes the first `n` blocks of the input area into
 * H0..H7.
 * @module
 */
import { hashModule, watOps } from './_wat.ts';

/** Where the input area starts in the module's memory. */
const INPUT_OFFSET = 64;
/** Size of the input area: JS copies chunks in slices this large, one `hashBlocks` call per slice. */
const INPUT_BYTES = 256 * 1024;

/** SHA-256 round constants K0..K63 (FIPS 180-4 §4.2.2). */
const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
];

/** How the generated code is shaped; the defaults are the variant measured fastest (see the README). */
export interface Sha256WatOptions {
  /** Big-endian word loads: `scalar` = i32.load + rotations and masks, `simd` = v128.load + one byte shuffle. */
  loads: 'scalar' | 'simd';
  /** Σ and σ as three independent rotations (`spread`) or as nested rotations of one value (`chained`). */
  sigma: 'spread' | 'chained';
  /** Maj(a,b,c) as `(a & b) ^ (c & (a ^ b))` (`plain`) or reusing the previous round's `a ^ b` (`carry`). */
  maj: 'plain' | 'carry';
}

const DEFAULTS: Sha256WatOptions = { loads: 'scalar', maj: 'carry', sigma: 'chained' };

const { get, constant: c32, rotr, xor3, add } = watOps('i32');

/**
 * Σ(x) = ROTR^r1(x) ^ ROTR^r2(x) ^ ROTR^r3(x), or the same as ROTR^r1(x ^ ROTR^(r2-r1)(x ^ ROTR^(r3-r2)(x))):
 * one chain of dependent rotations, which the two-operand x86 `ror` runs without copying x three times.
 */
function bigSigma(x: string, [r1, r2, r3]: readonly number[], form: Sha256WatOptions['sigma']): string {
  const [p, q, r] = [r1 as number, r2 as number, r3 as number];
  if (form === 'spread') return xor3(rotr(x, p), rotr(x, q), rotr(x, r));
  return rotr(`(i32.xor ${x} ${rotr(`(i32.xor ${x} ${rotr(x, r - q)})`, q - p)})`, p);
}

/** σ(x) = ROTR^r1(x) ^ ROTR^r2(x) ^ SHR^s(x), spread or chained as {@link bigSigma}. */
function smallSigma(x: string, [r1, r2, s]: readonly number[], form: Sha256WatOptions['sigma']): string {
  const [p, q, n] = [r1 as number, r2 as number, s as number];
  const shift = `(i32.shr_u ${x} ${c32(n)})`;
  if (form === 'spread') return xor3(rotr(x, p), rotr(x, q), shift);
  return `(i32.xor ${rotr(`(i32.xor ${x} ${rotr(x, q - p)})`, p)} ${shift})`;
}

/** Byte swap of an i32: rotating by 8 both ways and keeping alternate bytes of each. */
const bswap = (x: string, tmp: string): string =>
  `(i32.or (i32.and (i32.rotl (local.tee $${tmp} ${x}) ${c32(8)}) ${c32(0x00ff00ff)}) ` +
  `(i32.and (i32.rotr ${get(tmp)} ${c32(8)}) ${c32(0xff00ff00)}))`;

/** The 16 message words of the block at `$p`, big-endian, into `$w0..$w15`. */
function loadWords(loads: Sha256WatOptions['loads']): string[] {
  const lines: string[] = [];
  if (loads === 'scalar') {
    for (let i = 0; i < 16; i++) {
      lines.push(`(local.set $w${i} ${bswap(`(i32.load offset=${i * 4} ${get('p')})`, 't1')})`);
    }
    return lines;
  }
  const swap = '3 2 1 0 7 6 5 4 11 10 9 8 15 14 13 12';
  for (let q = 0; q < 4; q++) {
    lines.push(
      `(local.set $v (i8x16.shuffle ${swap} (v128.load offset=${q * 16} ${get('p')}) (v128.const i32x4 0 0 0 0)))`,
    );
    for (let lane = 0; lane < 4; lane++)
      lines.push(`(local.set $w${q * 4 + lane} (i32x4.extract_lane ${lane} ${get('v')}))`);
  }
  return lines;
}

/** W[t] for t >= 16 (§6.2.2 step 1), kept in the 16-word ring `$w0..$w15`. */
function schedule(t: number, form: Sha256WatOptions['sigma']): string {
  const w = (back: number): string => get(`w${(t - back) & 15}`);
  const sigma0 = smallSigma(w(15), [7, 18, 3], form);
  const sigma1 = smallSigma(w(2), [17, 19, 10], form);
  return `(local.set $w${t & 15} ${add(w(16), sigma0, w(7), sigma1)})`;
}

/**
 * Round t (§6.2.2 step 3) on the working variables named by `v` = [a, b, c, d, e, f, g, h]. Instead of moving
 * eight values each round, the names rotate: d += T1 becomes the next e, h = T1 + T2 the next a.
 */
function round(t: number, v: readonly string[], { maj, sigma }: Sha256WatOptions): string[] {
  const [a, b, c, d, e, f, g, h] = v as [string, string, string, string, string, string, string, string];
  const sum1 = bigSigma(get(e), [6, 11, 25], sigma);
  const ch = `(i32.xor ${get(g)} (i32.and ${get(e)} (i32.xor ${get(f)} ${get(g)})))`;
  const sum0 = bigSigma(get(a), [2, 13, 22], sigma);
  // Maj(a,b,c) = b ^ ((a ^ b) & (b ^ c)); this round's b ^ c is the previous round's a ^ b.
  const majority =
    maj === 'plain'
      ? `(i32.xor (i32.and ${get(a)} ${get(b)}) (i32.and ${get(c)} (i32.xor ${get(a)} ${get(b)})))`
      : `(i32.xor ${get(b)} (i32.and (local.tee $ab (i32.xor ${get(a)} ${get(b)})) ${get('bc')}))`;
  const lines = [
    `(local.set $t1 ${add(get(h), sum1, ch, c32(K[t] as number), get(`w${t & 15}`))})`,
    `(local.set $${d} (i32.add ${get(d)} ${get('t1')}))`,
    `(local.set $${h} ${add(get('t1'), sum0, majority)})`,
  ];
  if (maj === 'carry') lines.push(`(local.set $bc ${get('ab')})`);
  return lines;
}

/**
 * The module's text. `hashBlocks(n)` reads H0..H7 from memory, compresses `n` blocks from the input area and
 * writes H0..H7 back.
 * @example
 * const wat = sha256Wat(); // assemble with wabt's parseWat(...).toBinary({})
 */
export function sha256Wat(options: Partial<Sha256WatOptions> = {}): string {
  const shape: Sha256WatOptions = { ...DEFAULTS, ...options };
  const { loads, maj } = shape;
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const words = Array.from({ length: 16 }, (_, i) => `$w${i}`);
  const body: string[] = [];
  names.forEach((name, i) => {
    body.push(`(local.set $${name} (i32.load offset=${i * 4} (i32.const 0)))`);
  });
  body.push(`(local.set $p ${c32(INPUT_OFFSET)})`);
  body.push(`(local.set $end (i32.add ${c32(INPUT_OFFSET)} (i32.shl ${get('n')} ${c32(6)})))`);
  body.push('(block $done (loop $next');
  body.push(`(br_if $done (i32.ge_u ${get('p')} ${get('end')}))`);
  body.push(...loadWords(loads));
  if (maj === 'carry') body.push(`(local.set $bc (i32.xor ${get('b')} ${get('c')}))`);
  let v = [...names];
  for (let t = 0; t < 64; t++) {
    if (t >= 16) body.push(schedule(t, shape.sigma));
    body.push(...round(t, v, shape));
    v = [v[7] as string, ...v.slice(0, 7)];
  }
  // 64 rotations bring every name back to its role: add the block's result into H0..H7 (§6.2.2 step 4).
  names.forEach((name, i) => {
    body.push(
      `(i32.store offset=${i * 4} (i32.const 0) (local.tee $${name} (i32.add ${get(name)} (i32.load offset=${i * 4} (i32.const 0)))))`,
    );
  });
  body.push(`(local.set $p (i32.add ${get('p')} ${c32(64)}))`);
  body.push('(br $next)))');

  const locals = [...names.map((n) => `$${n}`), ...words, '$p', '$end', '$t1', '$ab', '$bc'];
  return hashModule({
    inputOffset: INPUT_OFFSET,
    inputBytes: INPUT_BYTES,
    locals: `${locals.map((name) => `(local ${name} i32)`).join(' ')}${loads === 'simd' ? ' (local $v v128)' : ''}`,
    body,
  });
}
