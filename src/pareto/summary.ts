/**
 * The study's tables (paper Table 4): accuracy and runtime mean ± std over seeds per (model, λ),
 * and per model its Pareto front over every λ and seed, with the paper's hypervolume and the
 * bounded one (all models against the same runtime bound).
 */

import { significant } from "../significant.js";
import { boundedHypervolume, hypervolume, paretoFront, type TradeoffPoint } from "./front.js";
import type { TaskRecord } from "./results.js";

/** What the tables read of a task's record; results.csv alone holds it (--summarize). */
export interface SummaryRecord {
  task: Pick<TaskRecord["task"], "key" | "model" | "lambda" | "seed"> & { beta?: number };
  status: TaskRecord["status"];
  finished?: { testTop1: number; runtimeUs: number; utilization: number };
}

export interface Spread {
  mean: number;
  /** sample standard deviation (n − 1); null below two values */
  std: number | null;
  n: number;
}

export interface Table4Row {
  model: string;
  lambda: number;
  /** the utilization weight its tasks searched with; null when they differ or it is not recorded */
  beta: number | null;
  /** seeds that finished */
  seeds: number;
  failed: number;
  /** units in the names, as in table4.csv and results.csv: percent and ms */
  top1Percent: Spread;
  runtimeMs: Spread;
  utilizationPercent: Spread;
}

export interface FrontPoint extends TradeoffPoint {
  key: string;
  lambda: number;
  seed: number;
}

export interface ModelSummary {
  model: string;
  front: FrontPoint[];
  /** the paper's, percentage points × ms, lower is better (front.ts); null when no task of the model finished */
  hypervolume: number | null;
  /** up to the study's boundMs, percentage points × ms, lower is better; null as above */
  boundedHypervolume: number | null;
}

export interface ParetoSummary {
  table: Table4Row[];
  models: ModelSummary[];
  /** the bounded hypervolume's runtime bound, ms: 1.1 × the slowest finished network of the study */
  boundMs: number;
}

/** the bounded hypervolume's runtime bound over the study's slowest network */
export const boundMargin = 1.1;

export function spread(values: readonly number[]): Spread {
  const n = values.length;
  const mean = n > 0 ? values.reduce((sum, value) => sum + value, 0) / n : Number.NaN;
  if (n < 2) return { mean: significant(mean), std: null, n };
  const squares = values.reduce((sum, value) => sum + (value - mean) ** 2, 0);
  return { mean: significant(mean), std: significant(Math.sqrt(squares / (n - 1))), n };
}

export function tradeoffPoint(record: SummaryRecord): FrontPoint | undefined {
  const { finished, task } = record;
  if (record.status !== "ok" || finished === undefined) return undefined;
  return {
    key: task.key,
    lambda: task.lambda,
    seed: task.seed,
    top1Percent: significant(finished.testTop1 * 100),
    runtimeMs: significant(finished.runtimeUs / 1e3),
  };
}

export function summarizeStudy(
  records: readonly SummaryRecord[],
  models: readonly string[],
  lambdas: readonly number[],
): ParetoSummary {
  const points = records.flatMap((record) => tradeoffPoint(record) ?? []);
  const slowest = points.reduce((bound, point) => Math.max(bound, point.runtimeMs), 0);
  // The usual nadir + 10%: at exactly the slowest runtime, that network's accuracy would count for nothing.
  const boundMs = significant(boundMargin * slowest);
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
      boundMs,
    ),
  );
  return { table, models: summaries, boundMs };
}

function table4Row(model: string, lambda: number, records: readonly SummaryRecord[]): Table4Row {
  const finished = records.flatMap((record) =>
    record.status === "ok" && record.finished ? [record.finished] : [],
  );
  const betas = new Set(records.map((record) => record.task.beta));
  const [beta] = betas;
  return {
    model,
    lambda,
    beta: betas.size === 1 && beta !== undefined ? beta : null,
    seeds: finished.length,
    failed: records.length - finished.length,
    top1Percent: spread(finished.map((task) => task.testTop1 * 100)),
    runtimeMs: spread(finished.map((task) => task.runtimeUs / 1e3)),
    utilizationPercent: spread(finished.map((task) => task.utilization * 100)),
  };
}

function modelSummary(
  model: string,
  records: readonly SummaryRecord[],
  boundMs: number,
): ModelSummary {
  const points = records.flatMap((record) => tradeoffPoint(record) ?? []);
  const none = points.length === 0;
  return {
    model,
    front: paretoFront(points),
    hypervolume: none ? null : significant(hypervolume(points)),
    boundedHypervolume: none ? null : significant(boundedHypervolume(points, boundMs)),
  };
}
