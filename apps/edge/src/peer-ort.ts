// The peer engine: the same .onnx file on onnxruntime-web (wasm EP), timed beside repkit's wasm backend.
// build.mjs bundles this only when onnxruntime-web is installed (a dev dependency), so the module is
// typed by the few members used here rather than by the package.

export type PeerData = Int32Array | Float32Array;

interface OrtTensor {
  data: unknown;
}
interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
export interface OrtWeb {
  env: { versions?: Record<string, string | undefined>; wasm: { wasmPaths?: string; numThreads?: number } };
  InferenceSession: { create(bytes: Uint8Array, opts?: { executionProviders?: string[] }): Promise<OrtSession> };
  Tensor: new (type: 'int32' | 'float32', data: PeerData, dims: readonly number[]) => OrtTensor;
}

/** One fed input: its values and shape. */
export interface PeerFeed {
  data: PeerData;
  dims: readonly number[];
}

export interface Peer {
  readonly name: string;
  /** The named outputs (float32 or int32) for the feeds; `ms` times the run alone. */
  run(feeds: Record<string, PeerFeed>, outputs: readonly string[]): Promise<{ outputs: Record<string, PeerData>; ms: number }>;
  release(): Promise<void>;
}

/** A peer over `bytes`; the .wasm and .mjs files of onnxruntime-web are fetched from `wasmPaths` (undefined: its own folder, as in Node). */
export async function ortPeer(ort: OrtWeb, wasmPaths: string | undefined, bytes: Uint8Array): Promise<Peer> {
  if (wasmPaths !== undefined) ort.env.wasm.wasmPaths = wasmPaths;
  ort.env.wasm.numThreads = 1; // one thread, as repkit's wasm backend runs here
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  return {
    name: `onnxruntime-web ${ort.env.versions?.web ?? ''} (wasm EP, 1 thread)`.replace('  ', ' '),
    async run(feeds, names) {
      const t = Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, new ort.Tensor(f.data instanceof Float32Array ? 'float32' : 'int32', f.data, f.dims)]));
      const t0 = performance.now();
      const out = await session.run(t);
      const ms = performance.now() - t0;
      const outputs: Record<string, PeerData> = {};
      for (const n of names) {
        const data = out[n]?.data;
        if (!(data instanceof Float32Array || data instanceof Int32Array)) throw new Error(`onnxruntime-web: output '${n}' is ${out[n] ? 'not float32 or int32' : 'missing'}; the file's outputs are ${Object.keys(out).join(', ')}`);
        outputs[n] = data;
      }
      return { outputs, ms };
    },
    release: () => session.release(),
  };
}
