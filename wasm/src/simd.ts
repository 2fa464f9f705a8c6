// Vector helpers shared by the kernels; each build picks fused or separate multiply-add at compile time.

/** a·b + c per lane: one relaxed fused multiply-add where the build has it, else mul then add. */
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// Every task argument travels as a float64 in slot i of an argument block.

/** An argument slot holding a byte address. */
export function ptr(args: usize, i: i32): usize {
  return <usize>(<u32>load<f64>(args + ((<usize>i) << 3)));
}

/** An argument slot holding a count or a flag. */
export function int(args: usize, i: i32): i32 {
  return <i32>load<f64>(args + ((<usize>i) << 3));
}

/** The [lo, hi) share of `count` units that thread tid of nt takes, in whole multiples of `unit`. */
export function shareOf(count: i32, unit: i32, tid: i32, nt: i32): i64 {
  const units = (count + unit - 1) / unit;
  const lo = <i32>((<i64>units * tid) / nt) * unit;
  const hi = min(<i32>((<i64>units * (tid + 1)) / nt) * unit, count);
  return ((<i64>lo) << 32) | (<i64>(<u32>max(hi, lo)));
}

/** n rounded up to a multiple of m. */
export function roundUp(n: i32, m: i32): i32 {
  return ((n + m - 1) / m) * m;
}

/** The byte address of float `index` of the array at `base`. */
export function f32At(base: usize, index: i64): usize {
  return base + ((<usize>index) << 2);
}

/** ReLU per lane as the reference computes it: lanes > 0 and NaN lanes keep their bits, the rest (−0 included) become +0. */
export function relu4(v: v128): v128 {
  return v128.andnot(v, f32x4.le(v, f32x4.splat(0)));
}
