// Smooth ceiling of U-Boost (paper eq. 6, constants of the authors' code):
//   S(x) = Σ_{i=0}^{N-1} K / (C + exp(-B·clamp(x - i, -2, 2)))^{1/v}
// Terms with x - i >= 2 or <= -2 are clamped to the constants `high` and `low`, so only the
// (at most five) indices with |x - i| <= 2 need exp: S and S' cost O(1) instead of O(N).
// The clamp's derivative is taken as 1 on the closed interval [-2, 2], as autograd does.
// N = +∞ counts every saturated term however large x is: with a finite N, S stops at about N
// and utilization k1k2cf / (s1·s2·S·S) climbs above 1 once k1k2c/s1 passes N. The low-clamped
// tail (K / (C + e^{2B})^{1/v} ≈ 7e-37 a term) is then left out, since infinitely many of
// them would diverge; with the authors' N = 300 it adds under 3e-34, below f64 resolution of S.

let terms: f64 = Infinity;
let countLowTail: bool = false;
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

// v = 0.5 (p = 2) is the paper's setting; pow() is several times slower than a product, so the
// hot loop squares instead when it can.
function invPow(base: f64): f64 {
  return Math.pow(base, -exponent);
}

export function configureSmoothCeil(n: f64, c: f64, b: f64, v: f64): void {
  terms = n;
  countLowTail = isFinite(n);
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
  const first = Math.ceil(x - 2.0);
  if (exponent == 2.0 && first >= 0.0 && first + 3.0 < terms) {
    smoothCeilFourTerms(x, first);
  } else {
    smoothCeilWindow(x);
  }
}

/**
 * The common case, v = 0.5 and x away from 0 and N: with first = ⌈x − 2⌉, the terms i = first ..
 * first + 3 have x − i in (1, 2], (0, 1], (−1, 0], (−2, −1]; every other term is saturated (the
 * next one sits at x − i ≤ −2). A fixed four-term body, two f64x2 lanes at a time, has no
 * data-dependent branches, which the variable window of smoothCeilWindow mispredicts.
 */
@inline
function smoothCeilFourTerms(x: f64, first: f64): void {
  const e0 = Math.exp(-sharpness * (x - first));
  const near = f64x2(e0, e0 * stepFactor);
  const far = f64x2.mul(near, f64x2.splat(stepFactor * stepFactor));
  const c = f64x2.splat(offset);
  const k = f64x2.splat(scale);
  const slopeFactor = f64x2.splat(2.0 * sharpness);
  const nearInverse = f64x2.div(f64x2.splat(1.0), f64x2.add(c, near));
  const farInverse = f64x2.div(f64x2.splat(1.0), f64x2.add(c, far));
  const nearTerm = f64x2.mul(k, f64x2.mul(nearInverse, nearInverse));
  const farTerm = f64x2.mul(k, f64x2.mul(farInverse, farInverse));
  const termSum = f64x2.add(nearTerm, farTerm);
  const nearSlope = f64x2.mul(f64x2.mul(nearTerm, slopeFactor), f64x2.mul(near, nearInverse));
  const farSlope = f64x2.mul(f64x2.mul(farTerm, slopeFactor), f64x2.mul(far, farInverse));
  const slopeSum = f64x2.add(nearSlope, farSlope);
  const saturatedLow = countLowTail ? terms - first - 4.0 : 0.0;
  smoothValue =
    first * high +
    saturatedLow * low +
    f64x2.extract_lane(termSum, 0) +
    f64x2.extract_lane(termSum, 1);
  smoothSlope = f64x2.extract_lane(slopeSum, 0) + f64x2.extract_lane(slopeSum, 1);
}

/** Any x and any v: sums the active window |x − i| <= 2 term by term. */
function smoothCeilWindow(x: f64): void {
  const n = terms;
  const first = Math.max(0.0, Math.ceil(x - 2.0)); // first index with x - i <= 2
  const last = Math.min(n - 1.0, Math.floor(x + 2.0)); // last index with x - i >= -2
  const saturatedHigh = Math.min(n, first);
  const saturatedLow = countLowTail ? Math.max(0.0, n - 1.0 - Math.max(last, first - 1.0)) : 0.0;
  let value = saturatedHigh * high + saturatedLow * low;
  let slope = 0.0;
  let e = Math.exp(-sharpness * (x - first));
  // One division per active term: d/dx K·g^(-p) = K·p·B·e·g^(-p-1) = term · p·B·e / g.
  for (let i = first; i <= last; i += 1.0) {
    const inverse = 1.0 / (offset + e);
    const term = exponent == 2.0 ? scale * inverse * inverse : scale * Math.pow(inverse, exponent);
    value += term;
    slope += term * exponent * sharpness * e * inverse;
    e *= stepFactor;
  }
  smoothValue = value;
  smoothSlope = slope;
}
