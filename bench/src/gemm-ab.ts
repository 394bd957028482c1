// A/B of the wasm backend's matrix products: repkit's gemm (the default) against tfjs's BatchMatMul.
import { useGemm } from '@repkit/backend-wasm';

/** Run `f` with the wasm backend's matmuls on repkit's gemm (true) or on tfjs's BatchMatMul (false); restores the gemm. */
export async function withGemm<T>(gemm: boolean, f: () => Promise<T>): Promise<T> {
  useGemm(gemm);
  try {
    return await f();
  } finally {
    useGemm(true);
  }
}

/** The wasm backend's description with the matmul engine that `gemm` selects. */
export const gemmLabel = (describe: string, gemm: boolean): string => (gemm ? describe : describe.replace('repkit gemm', 'tfjs BatchMatMul (XNNPACK)'));
