// Node-API entry points of the inference plans (plan.h), registered by addon.cc.
//
//   planCreate(ops)                    -> plan handle (an external; freed by GC)
//   planRun(plan, x, N, C, H, W)       -> Float32Array (the output, fresh)
//   planOutputShape(plan, N, C, H, W)  -> number[]
//   planDescribe(plan)                 -> string, one line per op
//   planInfo(plan)                     -> { weightBytes, borrowedBytes, activationBytes, workspaceBytes, disposed }
//   planSetProfile(plan, on)           ;  planTimings(plan) -> [label, ms][]
//   planDispose(plan)                  frees weights and buffers now
//   planWorkItems(plan, N, C, H, W, threads) -> [label, items][]: how far each op splits
//
// ops: an array of objects { kind, label, ... }:
//   conv     C, K, kh, kw, sh, sw, ph, pw, dh, dw, relu, pool, algo ('auto' | 'winograd' | 'direct'),
//            w: Float32Array [K·C·kh·kw], bias: Float32Array [K] | null
//   maxpool  kh, kw, sh, sw, ph, pw, dh, dw, ceil
//   avgpool  oh, ow (0 keeps that input size)
//   affine   C, scale, shift (Float32Array [C]), relu
//   relu, flatten
//   linear   in, out, w: Float32Array [out·in], bias: Float32Array [out] | null, relu
//            (w is read in place at every run, not copied: the handle holds a
//            reference to it, and planRun throws if it was detached since)

#include "plan_napi.h"

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "addon.h"
#include "napi_util.h"
#include "plan.h"

namespace vgg {
namespace {

const napi_type_tag kPlanTag = {0x76676770'6c616e31ULL, 0x9b1f3c5d'2e4a6b70ULL};

napi_value prop(napi_env env, napi_value obj, const char* name) {
  napi_value v = nullptr;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok) return nullptr;
  return v;
}

bool prop_int(napi_env env, napi_value obj, const char* name, int64_t* out) {
  napi_value v = prop(env, obj, name);
  return v && napi::get_int(env, v, name, out);
}

bool prop_bool(napi_env env, napi_value obj, const char* name, bool* out) {
  napi_value v = prop(env, obj, name);
  return v && napi::get_bool(env, v, name, out);
}

bool prop_string(napi_env env, napi_value obj, const char* name, std::string* out) {
  napi_value v = prop(env, obj, name);
  return v && napi::get_string(env, v, name, out);
}

bool prop_array(napi_env env, napi_value obj, const char* name, double len, napi::View<float>* out,
                bool nullable = false) {
  napi_value v = prop(env, obj, name);
  if (!v) return false;
  if (!napi::get_array(env, v, name, len, out, nullable)) return false;
  if (out->data && static_cast<double>(out->length) != len) {
    napi::throw_range(env, std::string(name) + " has " + std::to_string(out->length) + " elements, expected " +
                               std::to_string(static_cast<long long>(len)));
    return false;
  }
  return true;
}

bool prop_ints(napi_env env, napi_value obj, const char* const* names, int n, int64_t* out) {
  for (int i = 0; i < n; ++i)
    if (!prop_int(env, obj, names[i], &out[i])) return false;
  for (int i = 0; i < n; ++i)
    if (out[i] < 0 || out[i] > (int64_t(1) << 31)) {
      napi::throw_range(env, std::string(names[i]) + " must be a non-negative 32-bit integer");
      return false;
    }
  return true;
}

// A JS array a plan reads in place, as it was when the plan was built.
struct Borrowed {
  std::string label;
  napi_ref ref = nullptr;  // strong: the array lives as long as the plan
  const float* data = nullptr;
  size_t length = 0;
};

// What a plan handle points to: the plan and the arrays it borrows.
struct JsPlan {
  Plan* plan = nullptr;
  std::vector<Borrowed> borrowed;
};

// Drops the references to the borrowed arrays (the plan no longer reads them).
void release_borrowed(napi_env env, JsPlan* jp) {
  for (Borrowed& b : jp->borrowed) napi_delete_reference(env, b.ref);
  jp->borrowed.clear();
}

// Throws unless every borrowed array still has the memory the plan was built
// on: a transferred (detached) ArrayBuffer would leave the plan reading freed memory.
bool check_borrowed(napi_env env, const JsPlan* jp) {
  for (const Borrowed& b : jp->borrowed) {
    napi_value v = nullptr;
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    if (napi_get_reference_value(env, b.ref, &v) != napi_ok || !v ||
        napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok || data != b.data ||
        length != b.length) {
      napi::throw_error(env, b.label + ": the Linear weights this plan reads in place were detached or moved; compile a new plan");
      return false;
    }
  }
  return true;
}

JsPlan* get_plan(napi_env env, napi_value v) {
  napi_valuetype t;
  bool tagged = false;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_external ||
      napi_check_object_type_tag(env, v, &kPlanTag, &tagged) != napi_ok || !tagged) {
    napi::throw_type(env, "expected a plan handle from planCreate");
    return nullptr;
  }
  void* data = nullptr;
  napi_get_value_external(env, v, &data);
  return static_cast<JsPlan*>(data);
}

Plan* plan_of(napi_env env, napi_value v) {
  JsPlan* jp = get_plan(env, v);
  return jp ? jp->plan : nullptr;
}

using PlanStep = std::function<bool(Plan*, std::string*)>;

// Reads one op description into a deferred build step (run later under the
// kernel mutex, with no JS code in between); an array the op will read in
// place is appended to `borrow`. False after throwing.
bool parse_plan_op(napi_env env, napi_value o, PlanStep* step, std::vector<std::pair<Borrowed, napi_value>>* borrow) {
  std::string kind, label;
  if (!prop_string(env, o, "kind", &kind) || !prop_string(env, o, "label", &label)) return false;
  if (kind == "conv") {
    static const char* const names[] = {"C", "K", "kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw"};
    int64_t a[10];
    bool relu, pool;
    std::string algo;
    if (!prop_ints(env, o, names, 10, a) || !prop_bool(env, o, "relu", &relu) || !prop_bool(env, o, "pool", &pool) ||
        !prop_string(env, o, "algo", &algo))
      return false;
    napi::View<float> w, b;
    if (!prop_array(env, o, "w", double(a[1]) * a[0] * a[2] * a[3], &w) ||
        !prop_array(env, o, "bias", double(a[1]), &b, true))
      return false;
    PlanConvSpec s;
    s.label = label;
    s.C = a[0];
    s.K = a[1];
    s.g = PlanConvGeom{a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]};
    s.w = w.data;
    s.bias = b.data;
    s.relu = relu;
    s.pool = pool;
    if (algo == "auto") s.algo = PlanConvAlgo::automatic;
    else if (algo == "winograd") s.algo = PlanConvAlgo::winograd;
    else if (algo == "direct") s.algo = PlanConvAlgo::direct;
    else return napi::throw_range(env, "unknown conv algorithm \"" + algo + "\""), false;
    *step = [s](Plan* p, std::string* err) { return plan_add_conv(p, s, err); };
  } else if (kind == "maxpool") {
    static const char* const names[] = {"kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw"};
    int64_t a[8];
    bool ceil_mode;
    if (!prop_ints(env, o, names, 8, a) || !prop_bool(env, o, "ceil", &ceil_mode)) return false;
    const PlanPoolGeom g{a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]};
    *step = [label, g, ceil_mode](Plan* p, std::string* err) { return plan_add_maxpool(p, label, g, ceil_mode, err); };
  } else if (kind == "avgpool") {
    static const char* const names[] = {"oh", "ow"};
    int64_t a[2];
    if (!prop_ints(env, o, names, 2, a)) return false;
    const int64_t oh = a[0], ow = a[1];
    *step = [label, oh, ow](Plan* p, std::string* err) { return plan_add_avgpool(p, label, oh, ow, err); };
  } else if (kind == "affine") {
    static const char* const names[] = {"C"};
    int64_t C;
    bool relu;
    napi::View<float> sc, sh;
    if (!prop_ints(env, o, names, 1, &C) || !prop_bool(env, o, "relu", &relu) ||
        !prop_array(env, o, "scale", double(C), &sc) || !prop_array(env, o, "shift", double(C), &sh))
      return false;
    const float* scale = sc.data;
    const float* shift = sh.data;
    *step = [label, C, scale, shift, relu](Plan* p, std::string* err) {
      return plan_add_affine(p, label, C, scale, shift, relu, err);
    };
  } else if (kind == "relu") {
    *step = [label](Plan* p, std::string* err) { return plan_add_relu(p, label, err); };
  } else if (kind == "flatten") {
    *step = [label](Plan* p, std::string* err) { return plan_add_flatten(p, label, err); };
  } else if (kind == "linear") {
    static const char* const names[] = {"in", "out"};
    int64_t a[2];
    bool relu;
    napi::View<float> w, b;
    if (!prop_ints(env, o, names, 2, a) || !prop_bool(env, o, "relu", &relu) ||
        !prop_array(env, o, "w", double(a[0]) * a[1], &w) || !prop_array(env, o, "bias", double(a[1]), &b, true))
      return false;
    const int64_t in = a[0], out = a[1];
    const float* wd = w.data;
    borrow->emplace_back(Borrowed{label, nullptr, w.data, w.length}, prop(env, o, "w"));
    const float* bd = b.data;
    *step = [label, in, out, wd, bd, relu](Plan* p, std::string* err) {
      return plan_add_linear(p, label, in, out, wd, bd, relu, err);
    };
  } else {
    napi::throw_range(env, "unknown plan op kind \"" + kind + "\"");
    return false;
  }
  return true;
}

void finalize_plan(napi_env env, void* data, void*) {
  JsPlan* jp = static_cast<JsPlan*>(data);
  if (!plan_released(jp->plan)) napi_adjust_external_memory(env, -static_cast<int64_t>(plan_weight_bytes(jp->plan)), nullptr);
  release_borrowed(env, jp);
  plan_free(jp->plan);
  delete jp;
}

bool get_input_dims(napi_env env, const napi::Args& args, size_t first, int64_t d[4]) {
  static const char* names[] = {"N", "C", "H", "W"};
  for (int i = 0; i < 4; ++i) {
    if (!napi::get_size(env, args[first + i], names[i], &d[i])) return false;
    if (d[i] > (int64_t(1) << 31)) {
      napi::throw_range(env, std::string(names[i]) + " is too large");
      return false;
    }
  }
  return true;
}

}  // namespace

// planCreate(ops)
napi_value PlanCreate(napi_env env, napi_callback_info info) {
  VGG_ARGS(1, "planCreate");
  bool is_array = false;
  napi_is_array(env, args[0], &is_array);
  if (!is_array) return napi::throw_type(env, "planCreate: ops must be an array");
  uint32_t n = 0;
  napi_get_array_length(env, args[0], &n);
  // Read every description first (JS property access), then build under the
  // mutex: the weight arrays stay alive, referenced by args[0], until we return.
  std::vector<PlanStep> steps(n);
  std::vector<std::pair<Borrowed, napi_value>> borrow;
  for (uint32_t i = 0; i < n; ++i) {
    napi_value o;
    if (napi_get_element(env, args[0], i, &o) != napi_ok) return napi::throw_error(env, "planCreate: bad op list");
    if (!parse_plan_op(env, o, &steps[i], &borrow)) return nullptr;
  }
  std::unique_ptr<Plan, void (*)(Plan*)> plan(plan_new(), plan_free);
  {
    std::lock_guard<std::mutex> lk(g_kernel_mu);
    std::string err;
    for (const PlanStep& step : steps)
      if (!step(plan.get(), &err)) return napi::throw_error(env, err);
    if (!plan_finish(plan.get(), &err)) return napi::throw_error(env, err);
  }
  auto jp = std::make_unique<JsPlan>();
  for (auto& [b, v] : borrow) {
    if (napi_create_reference(env, v, 1, &b.ref) != napi_ok) {
      release_borrowed(env, jp.get());
      return napi::throw_error(env, "planCreate: cannot reference the Linear weights");
    }
    jp->borrowed.push_back(b);
  }
  napi_value ext;
  if (napi_create_external(env, jp.get(), finalize_plan, nullptr, &ext) != napi_ok) {
    release_borrowed(env, jp.get());
    return napi::throw_error(env, "planCreate: cannot create the handle");
  }
  jp->plan = plan.release();
  napi_type_tag_object(env, ext, &kPlanTag);
  napi_adjust_external_memory(env, static_cast<int64_t>(plan_weight_bytes(jp->plan)), nullptr);
  jp.release();
  return ext;
}

// planOutputShape(plan, N, C, H, W)
napi_value PlanOutputShape(napi_env env, napi_callback_info info) {
  VGG_ARGS(5, "planOutputShape");
  Plan* plan = plan_of(env, args[0]);
  int64_t d[4];
  if (!plan || !get_input_dims(env, args, 1, d)) return nullptr;
  std::vector<int64_t> shape;
  std::string err;
  if (!plan_output_shape(plan, d[0], d[1], d[2], d[3], &shape, &err)) return napi::throw_range(env, err);
  napi_value arr;
  napi_create_array_with_length(env, shape.size(), &arr);
  for (size_t i = 0; i < shape.size(); ++i) napi_set_element(env, arr, uint32_t(i), napi::make_number(env, double(shape[i])));
  return arr;
}

// planRun(plan, x, N, C, H, W) -> Float32Array
napi_value PlanRun(napi_env env, napi_callback_info info) {
  VGG_ARGS(6, "planRun");
  JsPlan* jp = get_plan(env, args[0]);
  int64_t d[4];
  if (!jp || !get_input_dims(env, args, 2, d) || !check_borrowed(env, jp)) return nullptr;
  Plan* plan = jp->plan;
  const double len = double(d[0]) * d[1] * d[2] * d[3];
  napi::View<float> x;
  if (!napi::get_array(env, args[1], "x", len, &x)) return nullptr;
  if (double(x.length) != len) return napi::throw_range(env, "x has " + std::to_string(x.length) + " elements, expected " + std::to_string(static_cast<long long>(len)));
  std::vector<int64_t> shape;
  std::string err;
  if (!plan_output_shape(plan, d[0], d[1], d[2], d[3], &shape, &err)) return napi::throw_range(env, err);
  size_t out_len = 1;
  for (int64_t s : shape) out_len *= size_t(s);
  void* out_data = nullptr;
  napi_value ab, out;
  if (napi_create_arraybuffer(env, out_len * sizeof(float), &out_data, &ab) != napi_ok ||
      napi_create_typedarray(env, napi_float32_array, out_len, ab, 0, &out) != napi_ok)
    return napi::throw_error(env, "planRun: cannot allocate the output");
  {
    std::lock_guard<std::mutex> lk(g_kernel_mu);
    if (!plan_run(plan, x.data, d[0], d[1], d[2], d[3], static_cast<float*>(out_data), out_len, &err))
      return napi::throw_error(env, err);
  }
  return out;
}

// planDescribe(plan)
napi_value PlanDescribe(napi_env env, napi_callback_info info) {
  VGG_ARGS(1, "planDescribe");
  Plan* plan = plan_of(env, args[0]);
  if (!plan) return nullptr;
  return napi::make_string(env, plan_describe(plan).c_str());
}

// planInfo(plan) -> { weightBytes, borrowedBytes, activationBytes, workspaceBytes, disposed }
napi_value PlanInfo(napi_env env, napi_callback_info info) {
  VGG_ARGS(1, "planInfo");
  Plan* plan = plan_of(env, args[0]);
  if (!plan) return nullptr;
  napi_value o;
  napi_create_object(env, &o);
  napi_set_named_property(env, o, "weightBytes", napi::make_number(env, double(plan_weight_bytes(plan))));
  napi_set_named_property(env, o, "borrowedBytes", napi::make_number(env, double(plan_borrowed_bytes(plan))));
  napi_set_named_property(env, o, "activationBytes", napi::make_number(env, double(plan_activation_bytes(plan))));
  napi_set_named_property(env, o, "workspaceBytes", napi::make_number(env, double(plan_workspace_bytes(plan))));
  napi_set_named_property(env, o, "disposed", napi::make_bool(env, plan_released(plan)));
  return o;
}

// planSetProfile(plan, on)
napi_value PlanSetProfile(napi_env env, napi_callback_info info) {
  VGG_ARGS(2, "planSetProfile");
  Plan* plan = plan_of(env, args[0]);
  bool on;
  if (!plan || !napi::get_bool(env, args[1], "on", &on)) return nullptr;
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  plan_set_profile(plan, on);
  return napi::undefined(env);
}

// planTimings(plan) -> [label, ms][] of the last profiled run
napi_value PlanTimings(napi_env env, napi_callback_info info) {
  VGG_ARGS(1, "planTimings");
  Plan* plan = plan_of(env, args[0]);
  if (!plan) return nullptr;
  std::vector<std::pair<std::string, double>> t;
  {
    std::lock_guard<std::mutex> lk(g_kernel_mu);
    t = plan_timings(plan);
  }
  napi_value arr;
  napi_create_array_with_length(env, t.size(), &arr);
  for (size_t i = 0; i < t.size(); ++i) {
    napi_value pair;
    napi_create_array_with_length(env, 2, &pair);
    napi_set_element(env, pair, 0, napi::make_string(env, t[i].first.c_str()));
    napi_set_element(env, pair, 1, napi::make_number(env, t[i].second));
    napi_set_element(env, arr, uint32_t(i), pair);
  }
  return arr;
}

// planWorkItems(plan, N, C, H, W, threads) -> [label, items][]
napi_value PlanWorkItems(napi_env env, napi_callback_info info) {
  VGG_ARGS(6, "planWorkItems");
  Plan* plan = plan_of(env, args[0]);
  int64_t d[4], nt;
  if (!plan || !get_input_dims(env, args, 1, d) || !napi::get_size(env, args[5], "threads", &nt)) return nullptr;
  if (nt < 1 || nt > 4096) return napi::throw_range(env, "threads must be in [1, 4096]");
  std::vector<std::pair<std::string, int64_t>> items;
  std::string err;
  {
    std::lock_guard<std::mutex> lk(g_kernel_mu);
    if (!plan_work_items(plan, d[0], d[1], d[2], d[3], static_cast<int>(nt), &items, &err))
      return napi::throw_range(env, err);
  }
  napi_value arr;
  napi_create_array_with_length(env, items.size(), &arr);
  for (size_t i = 0; i < items.size(); ++i) {
    napi_value pair;
    napi_create_array_with_length(env, 2, &pair);
    napi_set_element(env, pair, 0, napi::make_string(env, items[i].first.c_str()));
    napi_set_element(env, pair, 1, napi::make_number(env, double(items[i].second)));
    napi_set_element(env, arr, uint32_t(i), pair);
  }
  return arr;
}

// planDispose(plan)
napi_value PlanDispose(napi_env env, napi_callback_info info) {
  VGG_ARGS(1, "planDispose");
  JsPlan* jp = get_plan(env, args[0]);
  if (!jp) return nullptr;
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  if (!plan_released(jp->plan)) {
    napi_adjust_external_memory(env, -static_cast<int64_t>(plan_weight_bytes(jp->plan)), nullptr);
    plan_release(jp->plan);
  }
  release_borrowed(env, jp);
  return napi::undefined(env);
}

}  // namespace vgg
