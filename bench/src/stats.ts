// Medians of interleaved runs, and the line format every bench prints.
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Engine {
  /** Short name used in ratios. */
  name: string;
  /** engine, backend/provider and dtype, printed on every line. */
  label: string;
  /** Time `n` repetitions; returns ms per repetition. */
  time(n: number): Promise<number>;
}

/** Run `rounds` rounds; in each, every engine times `reps` repetitions, in rotating order. */
export async function interleave(engines: readonly Engine[], rounds: number, reps: number): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>(engines.map((e) => [e.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < engines.length; k++) {
      const e = engines[(r + k) % engines.length]!;
      out.get(e.name)!.push(await e.time(reps));
    }
  }
  return out;
}
