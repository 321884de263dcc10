/** Statistics of latency columns, computed so that a constant column is recognised exactly. */

/**
 * The mean as x0 + Σ(x − x0)/n: a constant column gives exactly x0, so its deviations are exactly
 * 0. Accumulating Σ x/n instead leaves rounding (3 × 2/3 ≠ 2) and a variance of ~1e-30 that
 * would read as a perfect or a null correlation instead of none.
 */
export function shiftedMean(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const shift = values[0];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] - shift;
  return shift + sum / n;
}

/**
 * Log latencies standardized to mean 0 and σ 1 (devices differ by orders of magnitude; ranks are
 * what matter), with the σ used. A constant device has σ exactly 0 and keeps scale 1: all its
 * scores are 0 rather than ±1e17 from dividing rounding noise.
 */
export function standardizedLogs(ms: ArrayLike<number>): { scores: Float32Array; scale: number } {
  const logs = Array.from(ms, Math.log);
  const mean = shiftedMean(logs);
  const scale = Math.sqrt(logs.reduce((sum, v) => sum + (v - mean) ** 2, 0) / logs.length) || 1;
  return { scores: Float32Array.from(logs, (v) => (v - mean) / scale), scale };
}
