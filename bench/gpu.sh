#!/usr/bin/env bash
# The CUDA run: conformance and the MLP bench on onnxruntime's cuda execution provider, strictly
# (no silent CPU fallback). Run on a GPU machine whose onnxruntime-node has its CUDA libraries
# (ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci, or the libraries copied into its bin/napi-v6/linux/x64).
set -euo pipefail
cd "$(dirname "$0")/.."
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
npx repkit doctor
npx repkit --device cuda --strict conformance --backends reference,onnxruntime --json out/conformance-cuda.json
REPKIT_ORT_DEVICE=cuda REPKIT_ORT_STRICT=1 npm run bench -- mlp
