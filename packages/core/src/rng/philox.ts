// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a counter-based
// generator. The same (seed, stream, counter) gives the same numbers everywhere; all math is integer
// (normals use detmath.ts, our own float64 log/sqrt/sin/cos, so they match bit for bit too).
import { boxMuller } from './detmath.ts';

export { detLog, detSqrt, detSinCos2Pi } from './detmath.ts';

/** Words in a saved stream position: [key lo, key hi, block lo, block hi, stream lo, stream hi, lane, 0]. */
export const PHILOX_STATE_WORDS = 8;

const M0 = 0xd2511f53, M1 = 0xcd9e8d57, W0 = 0x9e3779b9, W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32 (exact in doubles via 16-bit halves). */
function mulhi(a: number, b: number): number {
  const aH = a >>> 16, aL = a & 0xffff, bH = b >>> 16, bL = b & 0xffff;
  const ll = aL * bL, lh = aL * bH, hl = aH * bL, hh = aH * bH;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (hh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/** One Philox4x32-10 block: 4 counter words and 2 key words → 4 random words (written to `out`). */
export function philox4x32(ctr: ArrayLike<number>, key: ArrayLike<number>, out: Uint32Array = new Uint32Array(4)): Uint32Array {
  let c0 = ctr[0]! >>> 0, c1 = ctr[1]! >>> 0, c2 = ctr[2]! >>> 0, c3 = ctr[3]! >>> 0;
  let k0 = key[0]! >>> 0, k1 = key[1]! >>> 0;
  for (let r = 0; r < 10; r++) {
    if (r > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const hi0 = mulhi(M0, c0), lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2), lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
  return out;
}

function splitU64(x: number | bigint, what: string): [number, number] {
  const v = BigInt(x);
  if (v < 0n || v >= 1n << 64n) throw new Error(`${what} must be an integer in [0, 2^64), got ${x}`);
  return [Number(v & 0xffffffffn), Number(v >> 32n)];
}

/**
 * A stream of random numbers: key = seed, counter = (block index: 64 bits, stream: 64 bits).
 * Draws consume whole 32-bit words in order, so any consumer can reproduce the sequence.
 */
export class Philox {
  private key: [number, number];
  private readonly ctr = new Uint32Array(4);
  private readonly block = new Uint32Array(4);
  private used = 4;

  constructor(seed: number | bigint = 0, stream: number | bigint = 0, counter: number | bigint = 0) {
    if (typeof seed === 'number' && !Number.isSafeInteger(seed)) throw new Error(`Philox: seed must be a safe integer, got ${seed}`);
    this.key = splitU64(seed, 'Philox seed');
    const [s0, s1] = splitU64(stream, 'Philox stream');
    const [c0, c1] = splitU64(counter, 'Philox counter');
    this.ctr.set([c0, c1, s0, s1]);
  }

  /** An independent generator with the same seed on another stream. */
  fork(stream: number | bigint): Philox {
    return new Philox(BigInt(this.key[0]) | (BigInt(this.key[1]) << 32n), stream);
  }

  /**
   * The stream position: the next word is word `lane` (0..3) of block (block lo, block hi). Host
   * kernels (@repkit/kernels) read it, draw natively, and hand back the advanced position.
   */
  getState(): Uint32Array {
    const s = new Uint32Array(PHILOX_STATE_WORDS);
    s[0] = this.key[0]; s[1] = this.key[1]; s[4] = this.ctr[2]!; s[5] = this.ctr[3]!;
    if (this.used === 4) {
      s[2] = this.ctr[0]!; s[3] = this.ctr[1]!;
    } else {
      // The current block is ctr − 1 (with borrow), and `used` of its words are spent.
      s[2] = (this.ctr[0]! - 1) >>> 0; s[3] = this.ctr[0] === 0 ? (this.ctr[1]! - 1) >>> 0 : this.ctr[1]!;
      s[6] = this.used;
    }
    return s;
  }

  /** Move to a position saved by getState (on this or any generator: the key comes with it). */
  setState(state: ArrayLike<number>): this {
    if (state.length !== PHILOX_STATE_WORDS || !(state[6]! >= 0 && state[6]! <= 3)) {
      throw new Error(`Philox.setState: state must be ${PHILOX_STATE_WORDS} uint32 words with lane (word 6) in 0..3, as getState returns`);
    }
    this.key = [state[0]! >>> 0, state[1]! >>> 0];
    this.ctr.set([state[2]! >>> 0, state[3]! >>> 0, state[4]! >>> 0, state[5]! >>> 0]);
    this.used = 4;
    const lane = state[6]!;
    for (let i = 0; i < lane; i++) this.nextU32();
    return this;
  }

  /** The next uint32. */
  nextU32(): number {
    if (this.used === 4) {
      philox4x32(this.ctr, this.key, this.block);
      this.ctr[0] = (this.ctr[0]! + 1) >>> 0;
      if (this.ctr[0] === 0) this.ctr[1] = (this.ctr[1]! + 1) >>> 0;
      this.used = 0;
    }
    return this.block[this.used++]!;
  }

  /** Uniform double in [0, 1) from 53 random bits (two words). */
  uniform(): number {
    const a = this.nextU32() >>> 5, b = this.nextU32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * Normals by Box–Muller on deterministic log/sqrt/sin/cos: each pair consumes 4 words (u1 from
   * words 0–1 as 1 − uniform, so never 0; u2 from words 2–3) and gives r·cos(2πu2), r·sin(2πu2).
   * An odd count drops the last sine. Values are within a few ulp of exact Box–Muller; |z| ≤ 8.58.
   */
  normals(n: number, mean = 0, std = 1): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i += 2) {
      const u1 = 1 - this.uniform();
      boxMuller(u1, this.uniform(), out, i, i + 1 < n, mean, std);
    }
    return out;
  }

  /** One standard normal (a pair's cosine half; consumes 4 words, as normals(1)). */
  normal(): number {
    return this.normals(1)[0]!;
  }

  /** Uniform float32-representable value in [0, 1) from 24 bits of one word. */
  uniform24(): number {
    return (this.nextU32() >>> 8) / 16777216;
  }

  /** Uniform integer in [lo, hi) without bias (rejection on a 32-bit word). */
  integer(lo: number, hi: number): number {
    const n = hi - lo;
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || n < 1 || n > 0x100000000) {
      throw new Error(`Philox.integer: need integers lo < hi with hi − lo ≤ 2^32, got [${lo}, ${hi})`);
    }
    const limit = 0x100000000 - (0x100000000 % n);
    let x = this.nextU32();
    while (x >= limit) x = this.nextU32();
    return lo + (x % n);
  }

  /** Fill an array with uniforms in [lo, hi). */
  uniforms(n: number, lo = 0, hi = 1): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.uniform();
    return out;
  }

  /** Integers in [lo, hi) as int32. */
  integers(n: number, lo: number, hi: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.integer(lo, hi);
    return out;
  }

  /** A uniformly random permutation of 0..n−1 (Fisher–Yates from the end). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.integer(0, i + 1);
      const t = p[i]!; p[i] = p[j]!; p[j] = t;
    }
    return p;
  }

  /** k distinct values from 0..n−1 (partial Fisher–Yates), in draw order. */
  choice(n: number, k: number): Int32Array {
    if (!Number.isInteger(k) || k < 0 || k > n) throw new Error(`Philox.choice: k must be in [0, ${n}], got ${k}`);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = 0; i < k; i++) {
      const j = this.integer(i, n);
      const t = p[i]!; p[i] = p[j]!; p[j] = t;
    }
    return p.slice(0, k);
  }
}
