/**
 * The study's tables (paper Table 4): accuracy and runtime mean ± std over seeds per (model, λ),
 * and per model its Pareto front and hypervolume, all models against the same runtime bound.
 */
import { hypervolume, normalizedHypervolume, paretoFront, type TradeoffPoint } from "./front.js";
import type { TaskRecord } from "./results.js";

export interface Spread {
  mean: number;
  /** sample standard deviation (n − 1); null below two values */
  std: number | null;
  n: number;
}

export interface Table4Row {
  model: string;
  lambda: number;
  /** seeds that finished */
  seeds: number;
  failed: number;
  /** test top-1, percent */
  accuracy: Spread;
  runtimeUs: Spread;
  utilization: Spread;
}

export interface FrontPoint extends TradeoffPoint {
  key: string;
  lambda: number;
  seed: number;
}

export interface ModelSummary {
  model: string;
  front: FrontPoint[];
  /** percentage points × µs, lower is better (front.ts); null when no task of the model finished */
  hypervolume: number | null;
  /** hypervolume / (100 · boundUs) */
  normalizedHypervolume: number | null;
}

export interface ParetoSummary {
  table: Table4Row[];
  models: ModelSummary[];
  /** the hypervolume's runtime bound, µs: 1.1 × the slowest finished network of the whole study */
  boundUs: number;
}

/** the hypervolume's runtime bound over the study's slowest network */
export const boundMargin = 1.1;

export function spread(values: readonly number[]): Spread {
  const n = values.length;
  const mean = n > 0 ? values.reduce((sum, value) => sum + value, 0) / n : Number.NaN;
  if (n < 2) return { mean, std: null, n };
  const squares = values.reduce((sum, value) => sum + (value - mean) ** 2, 0);
  return { mean, std: Math.sqrt(squares / (n - 1)), n };
}

export function tradeoffPoint(record: TaskRecord): FrontPoint | undefined {
  const { finished, task } = record;
  if (record.status !== "ok" || finished === undefined) return undefined;
  return {
    key: task.key,
    lambda: task.lambda,
    seed: task.seed,
    accuracy: finished.testTop1 * 100,
    runtimeUs: finished.runtimeUs,
  };
}

export function summarizeStudy(
  records: readonly TaskRecord[],
  models: readonly string[],
  lambdas: readonly number[],
): ParetoSummary {
  const points = records.flatMap((record) => tradeoffPoint(record) ?? []);
  const slowest = points.reduce((bound, point) => Math.max(bound, point.runtimeUs), 0);
  // The usual nadir + 10%: at exactly the slowest runtime, that network's accuracy would count for nothing.
  const boundUs = boundMargin * slowest;
  const table = models.flatMap((model) =>
    lambdas.map((lambda) =>
      table4Row(
        model,
        lambda,
        records.filter((record) => record.task.model === model && record.task.lambda === lambda),
      ),
    ),
  );
  const summaries = models.map((model) =>
    modelSummary(
      model,
      records.filter((record) => record.task.model === model),
      boundUs,
    ),
  );
  return { table, models: summaries, boundUs };
}

function table4Row(model: string, lambda: number, records: readonly TaskRecord[]): Table4Row {
  const finished = records.flatMap((record) =>
    record.status === "ok" && record.finished ? [record.finished] : [],
  );
  return {
    model,
    lambda,
    seeds: finished.length,
    failed: records.length - finished.length,
    accuracy: spread(finished.map((task) => task.testTop1 * 100)),
    runtimeUs: spread(finished.map((task) => task.runtimeUs)),
    utilization: spread(finished.map((task) => task.utilization)),
  };
}

function modelSummary(model: string, records: readonly TaskRecord[], boundUs: number) {
  const points = records.flatMap((record) => tradeoffPoint(record) ?? []);
  const none = points.length === 0;
  return {
    model,
    front: paretoFront(points),
    hypervolume: none ? null : hypervolume(points, boundUs),
    normalizedHypervolume: none ? null : normalizedHypervolume(points, boundUs),
  };
}
