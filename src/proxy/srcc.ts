/**
 * Spearman's rank correlation (SRCC): Pearson's correlation of the ranks, where tied values share
 * the average of the ranks they span (so [5, 5] on ranks 2 and 3 both get 2.5). This is the tie
 * rule of scipy.stats.spearmanr; simple-statistics' sampleRankCorrelation breaks ties by sort
 * order instead, which invents an order among equal latencies, hence this file.
 */
import { shiftedMean } from "./statistics.js";

/** 1-based ranks; a run of equal values gets the mean of its positions. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort(
    (a, b) => values[a] - values[b],
  );
  const ranks = new Float64Array(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    // positions start+1 … end share their mean
    const rank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) ranks[order[i]] = rank;
    start = end;
  }
  return ranks;
}

/** Pearson's r; NaN when either side is constant (no order to correlate). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new Error(`pearson: lengths differ (${x.length} ≠ ${y.length})`);
  const n = x.length;
  const meanX = shiftedMean(x);
  const meanY = shiftedMean(y);
  let covariance = 0;
  let varianceX = 0;
  let varianceY = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - meanX;
    const dy = y[i] - meanY;
    covariance += dx * dy;
    varianceX += dx * dx;
    varianceY += dy * dy;
  }
  if (varianceX === 0 || varianceY === 0) return Number.NaN;
  return covariance / Math.sqrt(varianceX * varianceY);
}

export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(averageRanks(x), averageRanks(y));
}

/** srcc[a][b] between every pair of columns (e.g. one latency column per device). */
export function srccMatrix(columns: ArrayLike<number>[]): number[][] {
  const ranks = columns.map(averageRanks);
  const matrix = ranks.map(() => new Array<number>(ranks.length));
  ranks.forEach((a, i) => {
    for (let j = 0; j <= i; j++) {
      // clamped: rounding can push a perfect correlation to 1 + 2e-16
      const r = Math.min(1, Math.max(-1, pearson(a, ranks[j])));
      matrix[i][j] = r;
      matrix[j][i] = r;
    }
  });
  return matrix;
}
