/**
 * Constants of the smooth ceiling S(x) = Σ_{i<N} K / (C + exp(-B·clamp(x - i, -2, 2)))^{1/v},
 * K = C^{1/v}. Defaults are the U-Boost authors' code. S saturates at N, so N must exceed the
 * largest fold count a model will ask for (k1k2c/rows), or smooth cycles stop growing.
 */
export interface SmoothCeilParams {
  /** N: number of steps */
  terms: number;
  /** C */
  offset: number;
  /** B: steepness of each step */
  sharpness: number;
  /** v: the exponent is 1/v */
  v: number;
}

export const paperSmoothCeil: SmoothCeilParams = { terms: 300, offset: 0.2, sharpness: 20, v: 0.5 };
