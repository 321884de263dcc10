/**
 * The accuracy-runtime trade-off of one cost model's searches (paper §6, Table 4 and Fig. 5):
 * its Pareto front, and the hypervolume that scores the front against the ideal network.
 */

/** One finished search as the front sees it. */
export interface TradeoffPoint {
  /** test top-1 in percent (0..100) */
  accuracy: number;
  /** runtime of the final network on the simulator, µs */
  runtimeUs: number;
}

/** a is at least as good as b in both objectives and strictly better in one. */
export function dominates(a: TradeoffPoint, b: TradeoffPoint): boolean {
  const noWorse = a.runtimeUs <= b.runtimeUs && a.accuracy >= b.accuracy;
  return noWorse && (a.runtimeUs < b.runtimeUs || a.accuracy > b.accuracy);
}

/**
 * The points no other point dominates, fastest first (so accuracy rises along the front).
 * Duplicates of a front point are kept once.
 */
export function paretoFront<Point extends TradeoffPoint>(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a.runtimeUs - b.runtimeUs || b.accuracy - a.accuracy);
  const front: Point[] = [];
  for (const point of sorted) {
    // Sorted by runtime, a point joins the front exactly when it beats the best accuracy so far.
    const best = front.at(-1);
    if (best === undefined || point.accuracy > best.accuracy) front.push(point);
  }
  return front;
}

/**
 * The paper's hypervolume, lower is better: the reference point is the ideal network (100%
 * accuracy, 0 µs), so we measure how far the front stays from it. Precisely, the area of the
 * part of the box [0 µs, boundUs] × [0%, 100%] of the (runtime, accuracy) plane that lies above
 * the front's staircase, i.e. that no network of the front reaches:
 *
 *   HV = ∫₀^boundUs (100 − best accuracy among front points with runtime ≤ r) dr,
 *
 * in percentage points × µs (a runtime with no network yet counts as 0% accuracy). `boundUs`
 * must be at least the front's slowest runtime; give every model the same bound (the study
 * takes 1.1 × its slowest network) so their hypervolumes compare. Adding a network the front does not dominate
 * always lowers it, so it ranks fronts as Pareto dominance does.
 */
export function hypervolume(points: readonly TradeoffPoint[], boundUs: number): number {
  const front = paretoFront(points);
  const slowest = front.at(-1)?.runtimeUs ?? 0;
  if (!(boundUs >= slowest)) {
    throw new Error(`hypervolume: bound ${boundUs} µs is below the front's ${slowest} µs`);
  }
  let area = 0;
  let error = 100;
  let from = 0;
  for (const point of front) {
    area += error * (point.runtimeUs - from);
    error = 100 - point.accuracy;
    from = point.runtimeUs;
  }
  return area + error * (boundUs - from);
}

/** HV / (100 · boundUs): the share of the box the front leaves unreached, in [0, 1]. */
export function normalizedHypervolume(points: readonly TradeoffPoint[], boundUs: number): number {
  return boundUs > 0 ? hypervolume(points, boundUs) / (100 * boundUs) : 0;
}
