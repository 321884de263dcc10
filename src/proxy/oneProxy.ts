/**
 * One-proxy search (Lu et al., SIGMETRICS 2022, "loss of optimality"): pick the best-scoring
 * architecture under a latency constraint measured on the proxy device only, then ask each target
 * how far that pick is from the best it could have had under its own constraint. Constraints are
 * matched by quantile: "the fastest 25% on the proxy" becomes "the fastest 25% on the target",
 * since absolute milliseconds do not carry over between devices.
 */
import { InputError } from "../errors.js";
import type { LatencyColumns } from "./evaluate.js";

export const defaultQuantiles = [0.1, 0.25, 0.5, 0.75, 0.9];

export interface TargetLoss {
  device: number;
  constraintMs: number;
  /** the best score among architectures within the target's own constraint */
  optimumScore: number;
  /** optimumScore − the proxy's pick's score; 0 when the proxy ranks perfectly */
  loss: number;
  /** whether the proxy's pick meets the target's constraint at all */
  feasible: boolean;
}

export interface ConstraintLoss {
  /** the share of architectures the constraint admits on the proxy */
  quantile: number;
  proxyConstraintMs: number;
  /** index of the proxy's pick */
  chosen: number;
  chosenScore: number;
  /** the best score within the proxy's limit: the pick's, unless a search missed it */
  proxyOptimumScore: number;
  targets: TargetLoss[];
}

/** How one-proxy picks under a proxy limit: exhaustively (default) or by a search. */
export type ProxyPick = (proxyLimitMs: number) => number;

/**
 * The latency below which the fastest ⌈q·n⌉ architectures lie: the lower empirical quantile, so a
 * constraint always admits at least that many and a monotone device admits the same set.
 */
export function latencyQuantile(latencies: ArrayLike<number>, quantile: number): number {
  const sorted = Float64Array.from(latencies).sort();
  return sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)];
}

/** A constraint in ms on the proxy as the share of architectures it admits there. */
export function quantileOfConstraint(proxy: ArrayLike<number>, constraintMs: number): number {
  let admitted = 0;
  for (let i = 0; i < proxy.length; i++) if (proxy[i] <= constraintMs) admitted++;
  if (admitted === 0) {
    const fastest = Math.min(...Array.from(proxy));
    throw new InputError(
      `--constraints: ${constraintMs} ms admits no architecture on the proxy (fastest ${fastest.toPrecision(4)} ms)`,
    );
  }
  return admitted / proxy.length;
}

/** Index of the best score among architectures with latency ≤ limit (the first on ties). */
export function bestUnder(latencies: ArrayLike<number>, score: ArrayLike<number>, limit: number) {
  let best = -1;
  for (let i = 0; i < latencies.length; i++) {
    if (latencies[i] <= limit && (best < 0 || score[i] > score[best])) best = i;
  }
  return best;
}

export function lossOfOptimality(
  columns: LatencyColumns,
  proxy: number,
  score: ArrayLike<number>,
  quantiles: number[],
  pick?: ProxyPick,
): ConstraintLoss[] {
  return quantiles.map((quantile) => {
    const proxyConstraintMs = latencyQuantile(columns[proxy], quantile);
    const proxyOptimum = bestUnder(columns[proxy], score, proxyConstraintMs);
    const chosen = pick === undefined ? proxyOptimum : pick(proxyConstraintMs);
    const targets = columns.flatMap((latencies, device) => {
      if (device === proxy) return [];
      const constraintMs = latencyQuantile(latencies, quantile);
      const optimumScore = score[bestUnder(latencies, score, constraintMs)];
      const loss = optimumScore - score[chosen];
      return [
        { device, constraintMs, optimumScore, loss, feasible: latencies[chosen] <= constraintMs },
      ];
    });
    const proxyOptimumScore = score[proxyOptimum];
    return {
      quantile,
      proxyConstraintMs,
      chosen,
      chosenScore: score[chosen],
      proxyOptimumScore,
      targets,
    };
  });
}
