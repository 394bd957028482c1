{
  "targets": [{
    "target_name": "repkit_kernels",
    "sources": ["src/binding.cpp", "src/philox.cpp", "src/scoring.cpp", "src/sampling.cpp", "src/ranking.cpp", "src/csr.cpp", "src/linalg.cpp", "src/eigen.cpp", "src/augment.cpp", "src/rows.cpp"],
    "include_dirs": ["<!(node -p \"process.env.RK_NAPI_INCLUDE || require('node-addon-api').include_dir\")"],
    "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions"],
    "cflags_cc": ["-std=c++17", "-O3", "-ffp-contract=off", "-fno-math-errno"],
    "xcode_settings": {
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "OTHER_CPLUSPLUSFLAGS": ["-O3", "-ffp-contract=off", "-fno-math-errno"]
    },
    "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/std:c++17", "/fp:precise"] } }
  }]
}
