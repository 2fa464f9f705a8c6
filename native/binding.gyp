{
  "targets": [
    {
      "target_name": "vgg_native",
      "sources": [
        "src/addon.cc",
        "src/conv.cc",
        "src/cpu.cc",
        "src/gemm.cc",
        "src/gemm_avx2.cc",
        "src/gemm_avx512.cc",
        "src/gemm_small.cc",
        "src/ops.cc",
        "src/plan.cc",
        "src/plan_conv.cc",
        "src/plan_linear.cc",
        "src/plan_map_ops.cc",
        "src/plan_napi.cc",
        "src/plan_avx2.cc",
        "src/plan_avx512.cc",
        "src/plan_generic.cc",
        "src/scratch.cc",
        "src/threadpool.cc",
        "src/winograd.cc",
        "src/wino_avx2.cc",
        "src/wino_avx512.cc",
        "src/wino_generic.cc"
      ],
      "cflags!": ["-O2", "-O0", "-fno-exceptions"],
      "cflags_cc!": ["-O2", "-O0", "-std=gnu++17", "-std=gnu++20", "-fno-exceptions"],
      "cflags": ["-O3", "-pthread", "-ffp-contract=off", "-fno-tree-loop-distribute-patterns", "-fvisibility=hidden"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-exceptions", "-pthread", "-ffp-contract=off", "-fno-tree-loop-distribute-patterns", "-fvisibility=hidden", "-Wall", "-Wextra", "-Wundef", "-Wno-unused-parameter", "-Wno-psabi"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "GCC_OPTIMIZATION_LEVEL": "3",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "GCC_ENABLE_CPP_EXCEPTIONS": "NO",
        "OTHER_CPLUSPLUSFLAGS": ["-ffp-contract=off"]
      }
    }
  ]
}
