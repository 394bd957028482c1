// The peer panel: the same .onnx file on onnxruntime-web (wasm EP), timed beside repkit's wasm backend.
// build.mjs bundles this only when onnxruntime-web is installed (it is not a dependency yet), so the
// module is typed by the few members used here rather than by the package.

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
  Tensor: new (type: 'int32', data: Int32Array, dims: readonly number[]) => OrtTensor;
}

export interface Peer {
  readonly name: string;
  /** Scores of one output for int32 feeds; `ms` times the run alone. */
  run(feeds: Record<string, Int32Array>, output: string): Promise<{ scores: Float32Array; ms: number }>;
}

/** A peer over `bytes`; the .wasm and .mjs files of onnxruntime-web are fetched from `wasmPaths`. */
export async function ortPeer(ort: OrtWeb, wasmPaths: string, bytes: Uint8Array): Promise<Peer> {
  ort.env.wasm.wasmPaths = wasmPaths;
  ort.env.wasm.numThreads = 1; // one thread, as repkit's wasm backend runs here
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  return {
    name: `onnxruntime-web ${ort.env.versions?.web ?? ''} (wasm EP, 1 thread)`.replace('  ', ' '),
    async run(feeds, output) {
      const t = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('int32', v, [v.length])]));
      const t0 = performance.now();
      const out = await session.run(t);
      const ms = performance.now() - t0;
      const data = out[output]?.data;
      if (!(data instanceof Float32Array)) throw new Error(`onnxruntime-web: output '${output}' is not float32`);
      return { scores: data, ms };
    },
  };
}
