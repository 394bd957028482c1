// The wasm build (wasm/kernels.wasm, from native/src by wasm/build.mjs) behind the Engine contract.
// The module imports nothing and exports its memory; each call lays its arrays out above
// __heap_base, grows the memory when needed, copies inputs in and outputs back. Browser-safe.
import { jsRows, updateRowsPacked } from '@repkit/core';
import type { Engine } from './engine.ts';

type Ptr = number;
interface Exports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  rk_philox_u32(s: Ptr, out: Ptr, n: number): void;
  rk_philox_uniform(s: Ptr, out: Ptr, n: number, lo: number, hi: number): void;
  rk_philox_integer(s: Ptr, out: Ptr, n: number, lo: number, span: number): void;
  rk_philox_normal(s: Ptr, out: Ptr, n: number, mean: number, std: number): void;
  rk_score(q: Ptr, B: number, ent: Ptr, E: number, d: number, metric: number, out: Ptr): void;
  rk_negatives(s: Ptr, triples: Ptr, n: number, numEntities: number, k: number, pHead: Ptr, out: Ptr): void;
  rk_sample_neighbors(s: Ptr, offsets: Ptr, indices: Ptr, seeds: Ptr, n: number, k: number, out: Ptr, counts: Ptr): void;
  rk_cholesky(a: Ptr, batch: number, n: number, l: Ptr, logdet: Ptr): number;
  rk_filtered_ranks(scores: Ptr, B: number, E: number, trueIds: Ptr, offsets: Ptr, ids: Ptr, o: Ptr, p: Ptr, r: Ptr): number;
  rk_topk(x: Ptr, B: number, n: number, k: number, idx: Ptr, val: Ptr): number;
  rk_csr(src: Ptr, dst: Ptr, m: number, n: number, offsets: Ptr, indices: Ptr, dedupe: number): number;
  rk_eigh(a: Ptr, batch: number, n: number, values: Ptr, vectors: Ptr, work: Ptr): void;
  rk_spd_power(a: Ptr, batch: number, n: number, p: number, out: Ptr, work: Ptr): number;
  rk_shift_images(s: Ptr, x: Ptr, n: number, h: number, w: number, maxShift: number, out: Ptr): void;
  rk_warp_images(x: Ptr, n: number, h: number, w: number, params: Ptr, out: Ptr): void;
  rk_strong_augment(s: Ptr, x: Ptr, n: number, h: number, w: number, options: Ptr, out: Ptr): void;
  rk_rotate90(x: Ptr, n: number, h: number, w: number, k: Ptr, out: Ptr): void;
}

type Arr = Uint32Array | Int32Array | Float32Array | Float64Array;
/** An argument array: copied in ('in'), copied back ('out'), or both; or scratch space of so many bytes. */
type Slot = [Arr | null, 'in' | 'out' | 'inout'] | [number, 'scratch'];

const SCORE_CHUNK_BYTES = 64 * 1024 * 1024; // score output per call: keeps wasm memory at |candidates| + 64 MiB

export class WasmEngine implements Engine {
  readonly name = 'wasm';
  readonly detail = 'wasm SIMD128 module';
  private readonly x: Exports;
  private readonly base: number;

  constructor(instance: WebAssembly.Instance) {
    this.x = instance.exports as unknown as Exports;
    this.base = ((this.x.__heap_base.value as number) + 15) & ~15;
  }

  /** Lay out `slots` from __heap_base, copy inputs in, run `f` on their addresses, copy outputs back. */
  private run(slots: Slot[], f: (...ptrs: Ptr[]) => number | void): number {
    const ptrs: Ptr[] = [];
    let top = this.base;
    for (const [a] of slots) {
      const bytes = typeof a === 'number' ? a : a ? a.byteLength : 0;
      ptrs.push(a !== null ? top : 0);
      top = (top + bytes + 15) & ~15;
    }
    const mem = this.x.memory;
    if (top > mem.buffer.byteLength) {
      try {
        mem.grow(Math.ceil((top - mem.buffer.byteLength) / 65536));
      } catch {
        throw new Error(`wasm kernels: this call needs ${(top / 2 ** 20).toFixed(0)} MiB of wasm memory (limit 4096 MiB); pass fewer rows per call`);
      }
    }
    const bytes = new Uint8Array(mem.buffer);
    slots.forEach(([a, mode], i) => {
      if (a && typeof a !== 'number' && mode !== 'out') bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), ptrs[i]!);
    });
    const ret = f(...ptrs);
    const after = new Uint8Array(mem.buffer);
    slots.forEach(([a, mode], i) => {
      if (a && typeof a !== 'number' && mode !== 'in') new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(after.subarray(ptrs[i]!, ptrs[i]! + a.byteLength));
    });
    return ret ?? 0;
  }

  philoxU32(state: Uint32Array, out: Uint32Array): void {
    this.run([[state, 'inout'], [out, 'out']], (s, o) => this.x.rk_philox_u32(s!, o!, out.length));
  }

  philoxUniform(state: Uint32Array, out: Float64Array, lo: number, hi: number): void {
    this.run([[state, 'inout'], [out, 'out']], (s, o) => this.x.rk_philox_uniform(s!, o!, out.length, lo, hi));
  }

  philoxInteger(state: Uint32Array, out: Int32Array, lo: number, span: number): void {
    this.run([[state, 'inout'], [out, 'out']], (s, o) => this.x.rk_philox_integer(s!, o!, out.length, lo, span));
  }

  philoxNormal(state: Uint32Array, out: Float64Array, mean: number, std: number): void {
    this.run([[state, 'inout'], [out, 'out']], (s, o) => this.x.rk_philox_normal(s!, o!, out.length, mean, std));
  }

  score(q: Float64Array, B: number, ent: Float64Array, E: number, d: number, metric: number, out: Float64Array): void {
    const rows = Math.max(1, Math.min(B, Math.floor(SCORE_CHUNK_BYTES / (8 * Math.max(1, E)))));
    for (let b0 = 0; b0 < B; b0 += rows) {
      const n = Math.min(rows, B - b0);
      const qs = q.subarray(b0 * d, (b0 + n) * d), os = out.subarray(b0 * E, (b0 + n) * E);
      this.run([[ent, 'in'], [qs, 'in'], [os, 'out']], (e, qp, o) => this.x.rk_score(qp!, n, e!, E, d, metric, o!));
    }
  }

  negatives(state: Uint32Array, triples: Int32Array, numEntities: number, k: number, pHead: Float64Array | null, out: Int32Array): void {
    this.run([[state, 'inout'], [triples, 'in'], [pHead, 'in'], [out, 'out']],
      (s, t, p, o) => this.x.rk_negatives(s!, t!, triples.length / 3, numEntities, k, p!, o!));
  }

  sampleNeighbors(state: Uint32Array, offsets: Int32Array, indices: Int32Array, seeds: Int32Array, out: Int32Array, k: number, counts: Int32Array): void {
    this.run([[state, 'inout'], [offsets, 'in'], [indices, 'in'], [seeds, 'in'], [out, 'out'], [counts, 'out']],
      (s, o, i, sd, op, c) => this.x.rk_sample_neighbors(s!, o!, i!, sd!, seeds.length, k, op!, c!));
  }

  cholesky(a: Float64Array, batch: number, n: number, factor: Float64Array, logdet: Float64Array): number {
    return this.run([[a, 'in'], [factor, 'out'], [logdet, 'out']], (ap, l, ld) => this.x.rk_cholesky(ap!, batch, n, l!, ld!));
  }

  eigh(a: Float64Array, batch: number, n: number, values: Float64Array, vectors: Float64Array): void {
    this.run([[a, 'in'], [values, 'out'], [vectors, 'out'], [8 * (2 * n * n + n), 'scratch']],
      (ap, vl, vc, wk) => this.x.rk_eigh(ap!, batch, n, vl!, vc!, wk!));
  }

  spdPower(a: Float64Array, batch: number, n: number, p: number, out: Float64Array): number {
    return this.run([[a, 'in'], [out, 'out'], [8 * (2 * n * n + n), 'scratch']], (ap, o, wk) => this.x.rk_spd_power(ap!, batch, n, p, o!, wk!));
  }

  shiftImages(state: Uint32Array, images: Float32Array, n: number, h: number, w: number, maxShift: number, out: Float32Array): void {
    this.run([[state, 'inout'], [images, 'in'], [out, 'out']], (s, x, o) => this.x.rk_shift_images(s!, x!, n, h, w, maxShift, o!));
  }

  warpImages(images: Float32Array, n: number, h: number, w: number, params: Float64Array, out: Float64Array): void {
    this.run([[images, 'in'], [params, 'in'], [out, 'out']], (x, p, o) => this.x.rk_warp_images(x!, n, h, w, p!, o!));
  }

  strongAugment(state: Uint32Array, images: Float32Array, n: number, h: number, w: number, options: Float64Array, out: Float32Array): void {
    this.run([[state, 'inout'], [images, 'in'], [options, 'in'], [out, 'out']], (s, x, op, o) => this.x.rk_strong_augment(s!, x!, n, h, w, op!, o!));
  }

  // Tables live in JS memory; copying one into the module's memory would cost more than the row work.
  gatherRows = jsRows.gatherRows;
  scatterRows = jsRows.scatterRows;
  updateRows = updateRowsPacked;

  rotate90(images: Float32Array, n: number, h: number, w: number, k: Int32Array, out: Float32Array): void {
    this.run([[images, 'in'], [k, 'in'], [out, 'out']], (x, kp, o) => this.x.rk_rotate90(x!, n, h, w, kp!, o!));
  }

  filteredRanks(scores: Float64Array, B: number, E: number, trueIds: Int32Array, offsets: Int32Array, ids: Int32Array,
    optimistic: Float64Array, pessimistic: Float64Array, realistic: Float64Array): number {
    return this.run(
      [[scores, 'in'], [trueIds, 'in'], [offsets, 'in'], [ids, 'in'], [optimistic, 'out'], [pessimistic, 'out'], [realistic, 'out']],
      (s, t, off, ix, o, p, r) => this.x.rk_filtered_ranks(s!, B, E, t!, off!, ix!, o!, p!, r!));
  }

  topk(x: Float64Array, B: number, n: number, k: number, idx: Int32Array, val: Float64Array): number {
    return this.run([[x, 'in'], [idx, 'out'], [val, 'out']], (xp, i, v) => this.x.rk_topk(xp!, B, n, k, i!, v!));
  }

  csr(src: Int32Array, dst: Int32Array, numNodes: number, offsets: Int32Array, indices: Int32Array, dedupe: number): number {
    return this.run([[src, 'in'], [dst, 'in'], [offsets, 'out'], [indices, 'out']],
      (s, t, o, i) => this.x.rk_csr(s!, t!, src.length, numNodes, o!, i!, dedupe));
  }
}

/** Compile and instantiate the module from its bytes; throws with the engine's reason (e.g. no SIMD). */
export async function instantiateWasm(bytes: BufferSource): Promise<WasmEngine> {
  const { instance } = await WebAssembly.instantiate(bytes, {});
  return new WasmEngine(instance);
}
