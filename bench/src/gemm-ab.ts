// Labels for the wasm backend's matmul A/B (repkit's gemm, the default, against tfjs's BatchMatMul; see withGemm).

/** The wasm backend's description with the matmul engine that `gemm` selects. */
export const gemmLabel = (describe: string, gemm: boolean): string => (gemm ? describe : describe.replace('repkit gemm', 'tfjs BatchMatMul (XNNPACK)'));
