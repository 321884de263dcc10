/**
 * The accuracy-runtime trade-off of one cost model's searches (paper §6, Table 4 and Fig. 5):
 * its Pareto front, and the hypervolume that scores the front against the ideal network.
 */

/** One finished search as the front sees it. */
export interface TradeoffPoint {
  /** test top-1 in percent (0..100) */
  top1Percent: number;
  /** runtime of the final network on the simulator, ms */
  runtimeMs: number;
}

/** a is at least as good as b in both objectives and strictly better in one. */
export function dominates(a: TradeoffPoint, b: TradeoffPoint): boolean {
  const noWorse = a.runtimeMs <= b.runtimeMs && a.top1Percent >= b.top1Percent;
  return noWorse && (a.runtimeMs < b.runtimeMs || a.top1Percent > b.top1Percent);
}

/**
 * The points no other point dominates, fastest first (so accuracy rises along the front).
 * Duplicates of a front point are kept once.
 */
export function paretoFront<Point extends TradeoffPoint>(points: readonly Point[]): Point[] {
  const sorted = [...points].sort(
    (a, b) => a.runtimeMs - b.runtimeMs || b.top1Percent - a.top1Percent,
  );
  const front: Point[] = [];
  for (const point of sorted) {
    // Sorted by runtime, a point joins the front exactly when it beats the best accuracy so far.
    const best = front.at(-1);
    if (best === undefined || point.top1Percent > best.top1Percent) front.push(point);
  }
  return front;
}

/**
 * The paper's hypervolume (the authors' plotting script), lower is better. The reference point is
 * the ideal network (0 ms, 100%); with the front f_1 … f_n sorted by runtime and t_0 = 0,
 *
 *   HV = Σ_i (100 − acc_i) · (t_i − t_{i−1})   [percentage points × ms],
 *
 * the area between 100% and the front's staircase read leftwards: each network's error counts
 * from the previous (faster) network's runtime up to its own, and nothing beyond the slowest.
 * So it is not Pareto-compliant: a slower, more accurate network that joins the front adds
 * (100 − acc)·Δt; it rewards fronts that reach high accuracy at low runtime, as the paper's Table 4
 * reads it. The script keeps a slower network of equal accuracy on its front (it only drops a
 * point beaten in accuracy by one at most as slow); that network is dominated and left out here.
 */
export function hypervolume(points: readonly TradeoffPoint[]): number {
  let area = 0;
  let from = 0;
  for (const point of paretoFront(points)) {
    area += (100 - point.top1Percent) * (point.runtimeMs - from);
    from = point.runtimeMs;
  }
  return area;
}

/**
 * A Pareto-compliant variant for comparison: the area of the box [0, boundMs] × [0%, 100%] above
 * the front's staircase read rightwards, i.e. that no network of the front reaches,
 *
 *   HVb = ∫₀^boundMs (100 − best accuracy among front points with runtime ≤ r) dr,
 *
 * (a runtime with no network yet counts as 0% accuracy). `boundMs` must be at least the front's
 * slowest runtime and the same for every model compared. Adding a network the front does not
 * dominate always lowers it.
 */
export function boundedHypervolume(points: readonly TradeoffPoint[], boundMs: number): number {
  const front = paretoFront(points);
  const slowest = front.at(-1)?.runtimeMs ?? 0;
  if (!(boundMs >= slowest)) {
    throw new Error(`boundedHypervolume: bound ${boundMs} ms is below the front's ${slowest} ms`);
  }
  let area = 0;
  let error = 100;
  let from = 0;
  for (const point of front) {
    area += error * (point.runtimeMs - from);
    error = 100 - point.top1Percent;
    from = point.runtimeMs;
  }
  return area + error * (boundMs - from);
}
