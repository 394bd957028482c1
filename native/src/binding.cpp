// Node-API binding: unwraps typed arrays and numbers, calls the freestanding kernels, nothing more.
// Arguments are validated by @repkit/kernels; the checks here only keep a wrong call from corrupting memory.
#include <napi.h>
#include <cstdlib>
#include <string>
#include <vector>
#include "rk.h"
#include "simd.h"

namespace {

struct Args {
  const Napi::CallbackInfo& info;
  bool ok = true;

  template <typename T> T* array(size_t i, napi_typedarray_type type, const char* name, size_t minLength, bool nullable = false) {
    if (!ok) return nullptr;
    if (nullable && (info[i].IsNull() || info[i].IsUndefined())) return nullptr;
    if (!info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != type) return fail<T>(name, "has the wrong typed-array type");
    Napi::TypedArray a = info[i].As<Napi::TypedArray>();
    if (a.ElementLength() < minLength) return fail<T>(name, ("is shorter than " + std::to_string(minLength)).c_str());
    return reinterpret_cast<T*>(static_cast<u8*>(a.ArrayBuffer().Data()) + a.ByteOffset());
  }

  double number(size_t i, const char* name) {
    if (!ok) return 0;
    if (!info[i].IsNumber()) { fail<void>(name, "must be a number"); return 0; }
    return info[i].As<Napi::Number>().DoubleValue();
  }

  // A count or size: a whole number in [0, 2^32) (a plain cast of a negative or huge double is undefined behaviour).
  u32 count(size_t i, const char* name) {
    const double v = number(i, name);
    if (ok && !(v >= 0 && v <= 4294967295.0 && v == (double)(u64)v)) { fail<void>(name, "must be a whole number in [0, 2^32)"); return 0; }
    return ok ? (u32)v : 0;
  }

  template <typename T> T* fail(const char* name, const char* why) {
    if (ok) Napi::TypeError::New(info.Env(), std::string("repkit native kernels: argument '") + name + "' " + why).ThrowAsJavaScriptException();
    ok = false;
    return nullptr;
  }
};

const size_t STATE = 8;

#if RK_X86_DISPATCH
// AVX2 scoring where the CPU has it, unless REPKIT_KERNELS_NO_AVX2 is set (non-empty, not "0") at load.
bool useAvx2 = false;
#endif

Napi::Value PhiloxU32(const Napi::CallbackInfo& info) {
  Args a{info};
  u32* s = a.array<u32>(0, napi_uint32_array, "state", STATE);
  u32* o = a.array<u32>(1, napi_uint32_array, "out", 0);
  if (a.ok) rk_philox_u32(s, o, (u32)info[1].As<Napi::TypedArray>().ElementLength());
  return info.Env().Undefined();
}

Napi::Value PhiloxUniform(const Napi::CallbackInfo& info) {
  Args a{info};
  u32* s = a.array<u32>(0, napi_uint32_array, "state", STATE);
  double* o = a.array<double>(1, napi_float64_array, "out", 0);
  const double lo = a.number(2, "lo"), hi = a.number(3, "hi");
  if (a.ok) rk_philox_uniform(s, o, (u32)info[1].As<Napi::TypedArray>().ElementLength(), lo, hi);
  return info.Env().Undefined();
}

Napi::Value PhiloxInteger(const Napi::CallbackInfo& info) {
  Args a{info};
  u32* s = a.array<u32>(0, napi_uint32_array, "state", STATE);
  i32* o = a.array<i32>(1, napi_int32_array, "out", 0);
  const double lo = a.number(2, "lo"), span = a.number(3, "span");
  if (a.ok) rk_philox_integer(s, o, (u32)info[1].As<Napi::TypedArray>().ElementLength(), lo, span);
  return info.Env().Undefined();
}

Napi::Value PhiloxNormal(const Napi::CallbackInfo& info) {
  Args a{info};
  u32* s = a.array<u32>(0, napi_uint32_array, "state", STATE);
  double* o = a.array<double>(1, napi_float64_array, "out", 0);
  const double mean = a.number(2, "mean"), std = a.number(3, "std");
  if (a.ok) rk_philox_normal(s, o, (u32)info[1].As<Napi::TypedArray>().ElementLength(), mean, std);
  return info.Env().Undefined();
}

Napi::Value Score(const Napi::CallbackInfo& info) {
  Args a{info};
  const u32 B = a.count(1, "B"), E = a.count(3, "E"), d = a.count(4, "d"), metric = a.count(5, "metric");
  const double* q = a.array<double>(0, napi_float64_array, "queries", (size_t)B * d);
  const double* ent = a.array<double>(2, napi_float64_array, "candidates", (size_t)E * d);
  double* out = a.array<double>(6, napi_float64_array, "out", (size_t)B * E);
  if (!a.ok) return info.Env().Undefined();
#if RK_X86_DISPATCH
  // Optional 8th argument false: the SSE2 path even where AVX2 is available (tests, benches).
  const bool allowAvx2 = useAvx2 && (info.Length() < 8 || !info[7].IsBoolean() || info[7].As<Napi::Boolean>().Value());
  rk_score_isa(q, B, ent, E, d, metric, allowAvx2 ? 1 : 0, out);
#else
  rk_score(q, B, ent, E, d, metric, out);
#endif
  return info.Env().Undefined();
}

Napi::Value Negatives(const Napi::CallbackInfo& info) {
  Args a{info};
  const u32 numEntities = a.count(2, "numEntities"), k = a.count(3, "k");
  u32* s = a.array<u32>(0, napi_uint32_array, "state", STATE);
  const i32* triples = a.array<i32>(1, napi_int32_array, "triples", 0);
  const double* pHead = a.array<double>(4, napi_float64_array, "pHead", 0, true);
  const u32 n = a.ok ? (u32)(info[1].As<Napi::TypedArray>().ElementLength() / 3) : 0;
  i32* out = a.array<i32>(5, napi_int32_array, "out", (size_t)n * k * 3);
  if (a.ok) rk_negatives(s, triples, n, numEntities, k, pHead, out);
  return info.Env().Undefined();
}

Napi::Value SampleNeighbors(const Napi::CallbackInfo& info) {
  Args a{info};
  const u32 k = a.count(5, "k");
  u32* s = a.array<u32>(0, napi_uint32_array, "state", STATE);
  const i32* offsets = a.array<i32>(1, napi_int32_array, "offsets", 1);
  const i32* indices = a.array<i32>(2, napi_int32_array, "indices", 0);
  const i32* seeds = a.array<i32>(3, napi_int32_array, "seeds", 0);
  const u32 n = a.ok ? (u32)info[3].As<Napi::TypedArray>().ElementLength() : 0;
  i32* out = a.array<i32>(4, napi_int32_array, "out", (size_t)n * k);
  i32* counts = a.array<i32>(6, napi_int32_array, "counts", n);
  if (a.ok) rk_sample_neighbors(s, offsets, indices, seeds, n, k, out, counts);
  return info.Env().Undefined();
}

Napi::Value Cholesky(const Napi::CallbackInfo& info) {
  Args a{info};
  const u32 batch = a.count(1, "batch"), n = a.count(2, "n");
  const double* A = a.array<double>(0, napi_float64_array, "matrices", (size_t)batch * n * n);
  double* L = a.array<double>(3, napi_float64_array, "factor", (size_t)batch * n * n);
  double* logdet = a.array<double>(4, napi_float64_array, "logdet", batch);
  if (!a.ok) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), rk_cholesky(A, batch, n, L, logdet));
}

Napi::Value FilteredRanks(const Napi::CallbackInfo& info) {
  Args a{info};
  const u32 B = a.count(1, "B"), E = a.count(2, "E");
  const double* scores = a.array<double>(0, napi_float64_array, "scores", (size_t)B * E);
  const i32* trueIds = a.array<i32>(3, napi_int32_array, "trueIds", B);
  const i32* offsets = a.array<i32>(4, napi_int32_array, "offsets", (size_t)B + 1);
  const i32* ids = a.array<i32>(5, napi_int32_array, "ids", 0);
  double* opt = a.array<double>(6, napi_float64_array, "optimistic", B);
  double* pess = a.array<double>(7, napi_float64_array, "pessimistic", B);
  double* real = a.array<double>(8, napi_float64_array, "realistic", B);
  if (!a.ok) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), rk_filtered_ranks(scores, B, E, trueIds, offsets, ids, opt, pess, real));
}

Napi::Value TopK(const Napi::CallbackInfo& info) {
  Args a{info};
  const u32 B = a.count(1, "B"), n = a.count(2, "n"), k = a.count(3, "k");
  const double* x = a.array<double>(0, napi_float64_array, "values", (size_t)B * n);
  i32* idx = a.array<i32>(4, napi_int32_array, "indices", (size_t)B * k);
  double* val = a.array<double>(5, napi_float64_array, "topValues", (size_t)B * k);
  if (!a.ok) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), rk_topk(x, B, n, k, idx, val));
}

Napi::Value Csr(const Napi::CallbackInfo& info) {
  Args a{info};
  const u32 n = a.count(2, "numNodes"), dedupe = a.count(5, "dedupe");
  const i32* src = a.array<i32>(0, napi_int32_array, "src", 0);
  const u32 m = a.ok ? (u32)info[0].As<Napi::TypedArray>().ElementLength() : 0;
  const i32* dst = a.array<i32>(1, napi_int32_array, "dst", m);
  i32* offsets = a.array<i32>(3, napi_int32_array, "offsets", (size_t)n + 1);
  i32* indices = a.array<i32>(4, napi_int32_array, "indices", m);
  if (!a.ok) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), rk_csr(src, dst, m, n, offsets, indices, dedupe));
}

Napi::Value Eigh(const Napi::CallbackInfo& info) {
  Args a{info};
  const u32 batch = a.count(1, "batch"), n = a.count(2, "n");
  const double* A = a.array<double>(0, napi_float64_array, "matrices", (size_t)batch * n * n);
  double* values = a.array<double>(3, napi_float64_array, "values", (size_t)batch * n);
  double* vectors = a.array<double>(4, napi_float64_array, "vectors", (size_t)batch * n * n);
  if (!a.ok) return info.Env().Undefined();
  std::vector<double> work(2 * (size_t)n * n + n);
  rk_eigh(A, batch, n, values, vectors, work.data());
  return info.Env().Undefined();
}

Napi::Value SpdPower(const Napi::CallbackInfo& info) {
  Args a{info};
  const u32 batch = a.count(1, "batch"), n = a.count(2, "n");
  const double p = a.number(3, "p");
  const double* A = a.array<double>(0, napi_float64_array, "matrices", (size_t)batch * n * n);
  double* out = a.array<double>(4, napi_float64_array, "out", (size_t)batch * n * n);
  if (!a.ok) return info.Env().Undefined();
  std::vector<double> work(2 * (size_t)n * n + n);
  return Napi::Number::New(info.Env(), rk_spd_power(A, batch, n, p, out, work.data()));
}

Napi::Value ShiftImages(const Napi::CallbackInfo& info) {
  Args a{info};
  const u32 n = a.count(2, "n"), h = a.count(3, "h"), w = a.count(4, "w"), maxShift = a.count(5, "maxShift");
  u32* s = a.array<u32>(0, napi_uint32_array, "state", STATE);
  const float* x = a.array<float>(1, napi_float32_array, "images", (size_t)n * h * w);
  float* out = a.array<float>(6, napi_float32_array, "out", (size_t)n * h * w);
  if (a.ok) rk_shift_images(s, x, n, h, w, maxShift, out);
  return info.Env().Undefined();
}

Napi::Value WarpImages(const Napi::CallbackInfo& info) {
  Args a{info};
  const u32 n = a.count(1, "n"), h = a.count(2, "h"), w = a.count(3, "w");
  const float* x = a.array<float>(0, napi_float32_array, "images", (size_t)n * h * w);
  const double* params = a.array<double>(4, napi_float64_array, "params", (size_t)n * 4);
  double* out = a.array<double>(5, napi_float64_array, "out", (size_t)n * h * w);
  if (a.ok) rk_warp_images(x, n, h, w, params, out);
  return info.Env().Undefined();
}

Napi::Value StrongAugment(const Napi::CallbackInfo& info) {
  Args a{info};
  const u32 n = a.count(2, "n"), h = a.count(3, "h"), w = a.count(4, "w");
  u32* s = a.array<u32>(0, napi_uint32_array, "state", STATE);
  const float* x = a.array<float>(1, napi_float32_array, "images", (size_t)n * h * w);
  const double* options = a.array<double>(5, napi_float64_array, "options", 8);
  float* out = a.array<float>(6, napi_float32_array, "out", (size_t)n * h * w);
  if (a.ok) rk_strong_augment(s, x, n, h, w, options, out);
  return info.Env().Undefined();
}

Napi::Value Rotate90(const Napi::CallbackInfo& info) {
  Args a{info};
  const u32 n = a.count(1, "n"), h = a.count(2, "h"), w = a.count(3, "w");
  const float* x = a.array<float>(0, napi_float32_array, "images", (size_t)n * h * w);
  const i32* k = a.array<i32>(4, napi_int32_array, "k", n);
  float* out = a.array<float>(5, napi_float32_array, "out", (size_t)n * h * w);
  if (a.ok) rk_rotate90(x, n, h, w, k, out);
  return info.Env().Undefined();
}

// Ids are in the table and the span a call touches (offset + width, or a rule's slots) fits in a row
// (checked by the caller, re-checked for memory safety). The span is 64-bit so that it cannot wrap.
bool rowsInTable(Args& a, const Napi::Value& table, u32 stride, const i32* ids, u32 n, u64 span) {
  if (!a.ok) return false;
  if (span > stride) return a.fail<void>("width", "runs past the row stride"), false;
  const size_t rows = table.As<Napi::TypedArray>().ElementLength() / (stride ? stride : 1);
  for (u32 i = 0; i < n; i++) {
    if (ids[i] < 0 || (size_t)ids[i] >= rows) return a.fail<void>("ids", "holds a row outside the table"), false;
  }
  return true;
}

// Table rows: the table's length bounds every id (checked by the caller, re-checked here for memory safety).
template <bool Gather> Napi::Value Rows(const Napi::CallbackInfo& info) {
  Args a{info};
  const u32 stride = a.count(1, "stride"), n = a.count(3, "n"), offset = a.count(4, "offset"), width = a.count(5, "width");
  float* table = a.array<float>(0, napi_float32_array, "table", 0);
  const i32* ids = a.array<i32>(2, napi_int32_array, "ids", n);
  float* buf = a.array<float>(6, napi_float32_array, "rows", (size_t)n * width);
  if (!a.ok) return info.Env().Undefined();
  const std::vector<i32> own(ids, ids + n);  // copied, then checked: safe from the kernel's writes (a view of the same memory)
  if (!rowsInTable(a, info[0], stride, own.data(), n, (u64)offset + width)) return info.Env().Undefined();
  if (Gather) rk_gather_rows(table, stride, own.data(), n, offset, width, buf);
  else rk_scatter_rows(table, stride, own.data(), n, offset, width, buf);
  return info.Env().Undefined();
}

Napi::Value UpdateRows(const Napi::CallbackInfo& info) {
  Args a{info};
  const u32 stride = a.count(1, "stride"), n = a.count(3, "n"), width = a.count(4, "width"), code = a.count(6, "code");
  const u32 segment = a.count(8, "segment");
  const double max = a.number(9, "max");
  if (a.ok && segment && width % segment) a.fail<void>("segment", "must divide width");
  float* table = a.array<float>(0, napi_float32_array, "table", 0);
  const i32* ids = a.array<i32>(2, napi_int32_array, "ids", n);
  const float* grad = a.array<float>(5, napi_float32_array, "grad", (size_t)n * width);
  if (a.ok && code > 2) a.fail<void>("code", "is not 0 (adam), 1 (adagrad) or 2 (sgd)");
  const double* params = a.array<double>(7, napi_float64_array, "params", code == 0 ? 8 : code == 1 ? 3 : 5);
  if (!a.ok) return info.Env().Undefined();
  const u32 slots = code == 0 ? 2 : code == 1 ? 1 : (params[0] != 0 ? 1 : 0);
  // Ids are copied before they are checked, so a table write cannot change them (an ids view of the table).
  const std::vector<i32> own(ids, ids + n);
  if (rowsInTable(a, info[0], stride, own.data(), n, (u64)width * (1 + slots))) {
    rk_update_rows(table, stride, own.data(), n, width, grad, code, params, segment, max);
  }
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
#if RK_X86_DISPATCH
  // "sse2+avx2" where the CPU runs the AVX2 scoring path (checked once, here, at load).
  const char* off = std::getenv("REPKIT_KERNELS_NO_AVX2");
  useAvx2 = rk_score_avx2_supported() && !(off && *off && std::string(off) != "0");
  exports.Set("simd", Napi::String::New(env, useAvx2 ? RK_SIMD "+avx2" : RK_SIMD));
#else
  exports.Set("simd", Napi::String::New(env, RK_SIMD));
#endif
  exports.Set("philoxU32", Napi::Function::New(env, PhiloxU32));
  exports.Set("philoxUniform", Napi::Function::New(env, PhiloxUniform));
  exports.Set("philoxInteger", Napi::Function::New(env, PhiloxInteger));
  exports.Set("philoxNormal", Napi::Function::New(env, PhiloxNormal));
  exports.Set("score", Napi::Function::New(env, Score));
  exports.Set("negatives", Napi::Function::New(env, Negatives));
  exports.Set("sampleNeighbors", Napi::Function::New(env, SampleNeighbors));
  exports.Set("cholesky", Napi::Function::New(env, Cholesky));
  exports.Set("filteredRanks", Napi::Function::New(env, FilteredRanks));
  exports.Set("topk", Napi::Function::New(env, TopK));
  exports.Set("csr", Napi::Function::New(env, Csr));
  exports.Set("eigh", Napi::Function::New(env, Eigh));
  exports.Set("spdPower", Napi::Function::New(env, SpdPower));
  exports.Set("shiftImages", Napi::Function::New(env, ShiftImages));
  exports.Set("warpImages", Napi::Function::New(env, WarpImages));
  exports.Set("strongAugment", Napi::Function::New(env, StrongAugment));
  exports.Set("rotate90", Napi::Function::New(env, Rotate90));
  exports.Set("gatherRows", Napi::Function::New(env, Rows<true>));
  exports.Set("scatterRows", Napi::Function::New(env, Rows<false>));
  exports.Set("updateRows", Napi::Function::New(env, UpdateRows));
  return exports;
}

}  // namespace

NODE_API_MODULE(repkit_kernels, Init)
