/**
 * Constants of the smooth ceiling S(x) = Σ_{i<N} K / (C + exp(-B·clamp(x - i, -2, 2)))^{1/v},
 * K = C^{1/v}. C, B and v are the U-Boost authors'. Their code stops at N = 300, where S
 * saturates: past k1k2c/rows ≈ 300 smooth cycles stop growing and smooth utilization exceeds
 * 1. The default N = +∞ counts every saturated term instead (the engine's O(1) evaluation does
 * not care how many there are), which equals the authors' S to f64 resolution below x ≈ 297.
 */
export interface SmoothCeilParams {
  /** N: number of steps; Infinity for no cap */
  terms: number;
  /** C */
  offset: number;
  /** B: steepness of each step */
  sharpness: number;
  /** v: the exponent is 1/v */
  v: number;
}

/** The default: the authors' constants without their cap on the number of steps. */
export const uncappedSmoothCeil: SmoothCeilParams = {
  terms: Number.POSITIVE_INFINITY,
  offset: 0.2,
  sharpness: 20,
  v: 0.5,
};

/** Exactly the authors' code, N = 300 steps: for comparison with it. */
export const authorsSmoothCeil: SmoothCeilParams = { ...uncappedSmoothCeil, terms: 300 };
