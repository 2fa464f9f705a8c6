// A thin C++ layer over the Node-API C interface: argument access with type
// and range checks that throw JS errors. Every getter returns false after
// throwing, so callers just `return nullptr`.
#pragma once

#include <node_api.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

namespace vgg {
namespace napi {

inline napi_value throw_type(napi_env env, const std::string& msg) {
  napi_throw_type_error(env, nullptr, msg.c_str());
  return nullptr;
}

inline napi_value throw_range(napi_env env, const std::string& msg) {
  napi_throw_range_error(env, nullptr, msg.c_str());
  return nullptr;
}

inline napi_value throw_error(napi_env env, const std::string& msg) {
  napi_throw_error(env, nullptr, msg.c_str());
  return nullptr;
}

// Fetches exactly `want` arguments (fewer is a TypeError).
struct Args {
  napi_value argv[12];
  size_t argc = 12;
  bool ok = false;
  Args(napi_env env, napi_callback_info info, size_t want, const char* fn) {
    if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) {
      throw_error(env, std::string(fn) + ": cannot read arguments");
      return;
    }
    if (argc < want) {
      throw_type(env, std::string(fn) + ": expected " + std::to_string(want) + " arguments, got " +
                          std::to_string(argc));
      return;
    }
    ok = true;
  }
  napi_value operator[](size_t i) const { return argv[i]; }
};

inline bool is_nullish(napi_env env, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  return t == napi_null || t == napi_undefined;
}

template <class T>
struct TypedArrayTraits;
template <>
struct TypedArrayTraits<float> {
  static constexpr napi_typedarray_type type = napi_float32_array;
  static constexpr const char* name = "Float32Array";
};
template <>
struct TypedArrayTraits<double> {
  static constexpr napi_typedarray_type type = napi_float64_array;
  static constexpr const char* name = "Float64Array";
};
template <>
struct TypedArrayTraits<int32_t> {
  static constexpr napi_typedarray_type type = napi_int32_array;
  static constexpr const char* name = "Int32Array";
};

// A typed array argument: element pointer and length (in elements).
template <class T>
struct View {
  T* data = nullptr;
  size_t length = 0;
};

// Reads a typed array of element type T with at least `min_len` elements.
// `nullable`: null/undefined gives an empty view with data == nullptr.
template <class T>
bool get_array(napi_env env, napi_value v, const char* what, double min_len, View<T>* out, bool nullable = false) {
  if (nullable && is_nullish(env, v)) {
    *out = View<T>();
    return true;
  }
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) {
    throw_type(env, std::string(what) + " must be a " + TypedArrayTraits<T>::name);
    return false;
  }
  napi_typedarray_type type;
  size_t length;
  void* data;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != TypedArrayTraits<T>::type) {
    throw_type(env, std::string(what) + " must be a " + TypedArrayTraits<T>::name);
    return false;
  }
  if (static_cast<double>(length) < min_len) {
    throw_range(env, std::string(what) + " has " + std::to_string(length) + " elements, needs " +
                         std::to_string(static_cast<long long>(min_len)));
    return false;
  }
  out->data = static_cast<T*>(data);
  out->length = length;
  return true;
}

inline bool get_double(napi_env env, napi_value v, const char* what, double* out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    throw_type(env, std::string(what) + " must be a number");
    return false;
  }
  return true;
}

// A non-negative integer that fits comfortably in int64 (< 2^53).
inline bool get_size(napi_env env, napi_value v, const char* what, int64_t* out) {
  double d;
  if (!get_double(env, v, what, &d)) return false;
  if (!(d >= 0) || d != std::floor(d) || d > 9007199254740991.0) {
    throw_range(env, std::string(what) + " must be a non-negative integer");
    return false;
  }
  *out = static_cast<int64_t>(d);
  return true;
}

inline bool get_int(napi_env env, napi_value v, const char* what, int64_t* out) {
  double d;
  if (!get_double(env, v, what, &d)) return false;
  if (!(std::fabs(d) <= 9007199254740991.0) || d != std::floor(d)) {
    throw_range(env, std::string(what) + " must be an integer");
    return false;
  }
  *out = static_cast<int64_t>(d);
  return true;
}

inline bool get_bool(napi_env env, napi_value v, const char* what, bool* out) {
  if (napi_get_value_bool(env, v, out) != napi_ok) {
    throw_type(env, std::string(what) + " must be a boolean");
    return false;
  }
  return true;
}

inline bool get_string(napi_env env, napi_value v, const char* what, std::string* out) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &len) != napi_ok) {
    throw_type(env, std::string(what) + " must be a string");
    return false;
  }
  out->resize(len);
  napi_get_value_string_utf8(env, v, &(*out)[0], len + 1, &len);
  return true;
}

// Reads a JS array (or typed array) of integers into out[0..n).
inline bool get_int_list(napi_env env, napi_value v, const char* what, int64_t* out, uint32_t max_len,
                         uint32_t* n) {
  bool is_array = false, is_ta = false;
  napi_is_array(env, v, &is_array);
  napi_is_typedarray(env, v, &is_ta);
  if (!is_array && !is_ta) {
    throw_type(env, std::string(what) + " must be an array of integers");
    return false;
  }
  napi_value len_v;
  uint32_t len = 0;
  if (is_array) {
    napi_get_array_length(env, v, &len);
  } else {
    napi_get_named_property(env, v, "length", &len_v);
    napi_get_value_uint32(env, len_v, &len);
  }
  if (len > max_len) {
    throw_range(env, std::string(what) + " is too long");
    return false;
  }
  for (uint32_t i = 0; i < len; ++i) {
    napi_value e;
    if (napi_get_element(env, v, i, &e) != napi_ok || !get_int(env, e, what, &out[i])) return false;
  }
  *n = len;
  return true;
}

inline napi_value make_string(napi_env env, const char* s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

inline napi_value make_number(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}

inline napi_value make_bool(napi_env env, bool b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  return v;
}

inline napi_value undefined(napi_env env) {
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}

}  // namespace napi
}  // namespace vgg
