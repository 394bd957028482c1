// NumPy's legacy RandomState (MT19937, Matsumoto & Nishimura 1998) for integer seeds, uniform draws only:
// it reproduces the label masks of the scikit-learn reference scripts (shared/reference/sklearn_ref.py).
const N = 624, M = 397;

export class MT19937 {
  private readonly mt = new Uint32Array(N);
  private pos = N;

  /** RandomState(seed) for an integer seed in [0, 2^32): init_genrand(seed). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`MT19937: seed must be an integer in [0, 2^32 − 1], got ${seed}`);
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const p = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      this.mt[i] = (Math.imul(1812433253, p) + i) >>> 0;
    }
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % N]! & 0x7fffffff);
      mt[i] = mt[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.pos = 0;
  }

  /** genrand_int32. */
  nextU32(): number {
    if (this.pos >= N) this.twist();
    let y = this.mt[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random_sample(): 53-bit uniform in [0, 1). */
  random(): number {
    const a = this.nextU32() >>> 5, b = this.nextU32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** rand(n). */
  rand(n: number): Float64Array {
    return Float64Array.from({ length: n }, () => this.random());
  }
}

/**
 * The label mask of sklearn_ref.py (METHODS §4, "protocol B"): the `draw`-th call of
 * RandomState(seed).rand(n); row i keeps its label when u_i ≤ fraction. Returns y with −1 elsewhere.
 */
export function maskLabels(y: Int32Array, fraction: number, { seed = 0, draw = 2 }: { seed?: number; draw?: number } = {}): Int32Array {
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`fraction must be in (0, 1], got ${fraction}`);
  if (!Number.isInteger(draw) || draw < 1) throw new Error(`draw must be an integer ≥ 1, got ${draw}`);
  const rs = new MT19937(seed);
  let u = rs.rand(y.length);
  for (let k = 1; k < draw; k++) u = rs.rand(y.length);
  return y.map((c, i) => (u[i]! > fraction ? -1 : c));
}
