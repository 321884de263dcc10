// Smooth ceiling of U-Boost (paper eq. 6, constants of the authors' code):
//   S(x) = Σ_{i=0}^{N-1} K / (C + exp(-B·clamp(x - i, -2, 2)))^{1/v}
// Terms with x - i >= 2 or <= -2 are clamped to the constants `high` and `low`, so only the
// (at most five) indices with |x - i| <= 2 need exp: S and S' cost O(1) instead of O(N).
// The clamp's derivative is taken as 1 on the closed interval [-2, 2], as autograd does.

let terms: i32 = 300;
let offset: f64 = 0.2; // C
let sharpness: f64 = 20.0; // B
let exponent: f64 = 2.0; // p = 1/v
let scale: f64 = 0.04; // K = C^p
let high: f64 = 1.0; // term value at clamp +2
let low: f64 = 0.0; // term value at clamp -2
let stepFactor: f64 = 0.0; // exp(B): the ratio of exp(-B·t) between neighbouring terms

/** Value and derivative of the last smoothCeil call (globals: no allocation in the hot loop). */
export let smoothValue: f64 = 0.0;
export let smoothSlope: f64 = 0.0;

@inline
function invPow(base: f64): f64 {
  // v = 0.5 (p = 2) is the paper's setting; pow() is several times slower than a product.
  return exponent == 2.0 ? 1.0 / (base * base) : Math.pow(base, -exponent);
}

export function configureSmoothCeil(n: i32, c: f64, b: f64, v: f64): void {
  terms = n;
  offset = c;
  sharpness = b;
  exponent = 1.0 / v;
  scale = Math.pow(c, exponent);
  high = scale * invPow(c + Math.exp(-2.0 * b));
  low = scale * invPow(c + Math.exp(2.0 * b));
  stepFactor = Math.exp(b);
}

@inline
export function smoothCeil(x: f64): void {
  const n = <f64>terms;
  const first = Math.max(0.0, Math.ceil(x - 2.0)); // first index with x - i <= 2
  const last = Math.min(n - 1.0, Math.floor(x + 2.0)); // last index with x - i >= -2
  const saturatedHigh = Math.min(n, first);
  const saturatedLow = Math.max(0.0, n - 1.0 - Math.max(last, first - 1.0));
  let value = saturatedHigh * high + saturatedLow * low;
  let slope = 0.0;
  let e = Math.exp(-sharpness * (x - first));
  for (let i = first; i <= last; i += 1.0) {
    const g = offset + e;
    const term = scale * invPow(g);
    value += term;
    slope += (term * exponent * sharpness * e) / g;
    e *= stepFactor;
  }
  smoothValue = value;
  smoothSlope = slope;
}
