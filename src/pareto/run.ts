/**
 * Runs a Pareto study: every (model, λ, seed) task on a piscina pool, one task per thread at a
 * time. A task whose thread crashed or threw runs once more (resuming from its checkpoints), then
 * is recorded as failed while the others go on; results.csv is rewritten as each task settles.
 */
import { join } from "node:path";
import {
  builtWorkerFile,
  createPool,
  defaultWorkers,
  type RowRange,
  runRanges,
} from "../pool/chunkPool.js";
import { isFinished, type MeasureSettings, readFinishedTask } from "./measure.js";
import { type TaskRecord, writeResultsCsv } from "./results.js";
import { openStudy, studyFileOf } from "./study.js";
import { type ParetoSummary, summarizeStudy } from "./summary.js";
import { type BetaRule, type ParetoGrid, type ParetoTask, taskDir } from "./tasks.js";
import type { ParetoWorkerData, TaskRunResult } from "./worker.js";

/**
 * What the workers get (the tasks, data and folders) plus the grid and β rule the tasks come
 * from, and how the finished networks are measured.
 */
export interface ParetoSpec extends ParetoWorkerData {
  grid: ParetoGrid;
  betaRule: BetaRule;
  measure: MeasureSettings;
}

export interface ParetoOptions {
  /** keep the tasks an earlier run finished in outDir */
  resume?: boolean;
  workers?: number;
  onProgress?: (progress: ParetoProgress) => void;
  /** each task as it finishes (not the resumed ones) */
  onTask?: (record: TaskRecord) => void;
}

export interface ParetoProgress {
  /** finished tasks, resumed ones included */
  done: number;
  running: number;
  total: number;
}

export interface ParetoResult {
  /** one per task, in the grid's order */
  records: TaskRecord[];
  summary: ParetoSummary;
  /** tasks an earlier run had finished */
  resumed: number;
  /** tasks this run finished */
  ran: number;
  failed: number;
  seconds: number;
}

export const resultsFile = (outDir: string) => join(outDir, "results.csv");

export async function runPareto(
  spec: ParetoSpec,
  options: ParetoOptions = {},
): Promise<ParetoResult> {
  const started = performance.now();
  const { grid, tasks, outDir } = spec;
  const study = studyFileOf(spec.dataDir, spec.space, grid, spec.betaRule, tasks);
  openStudy(outDir, study, options.resume ?? false);
  const records: (TaskRecord | undefined)[] = tasks.map((task) =>
    options.resume && isFinished(taskDir(outDir, task))
      ? finishedRecord(spec, task, null)
      : undefined,
  );
  const resumed = records.filter((record) => record !== undefined).length;
  const failures = await runPendingTasks(spec, options, records);
  for (const { start, error } of failures) {
    records[start] = { task: taskOf(tasks[start]), status: "failed", error, seconds: null };
  }
  const settled = records as TaskRecord[];
  writeResultsCsv(resultsFile(outDir), settled);
  const failed = failures.length;
  return {
    records: settled,
    summary: summarizeStudy(settled, grid.models, grid.lambdas),
    resumed,
    ran: tasks.length - resumed - failed,
    failed,
    seconds: (performance.now() - started) / 1e3,
  };
}

/** Runs the tasks without a record on a fresh pool; returns those that failed twice. */
async function runPendingTasks(
  spec: ParetoSpec,
  options: ParetoOptions,
  records: (TaskRecord | undefined)[],
) {
  const pending = records.flatMap((record, index) => (record === undefined ? [index] : []));
  const workers = Math.min(options.workers ?? defaultWorkers(), Math.max(1, pending.length));
  const total = records.length;
  let unsettled = pending.length;
  const report = () =>
    options.onProgress?.({
      done: records.filter((record) => record !== undefined).length,
      running: Math.min(workers, unsettled),
      total,
    });
  report();
  if (pending.length === 0) return [];
  const { tasks, outDir, dataDir, space, tablePath, backend } = spec;
  const data: ParetoWorkerData = { tasks, outDir, dataDir, space, tablePath, backend };
  const pool = createPool(builtWorkerFile("pareto/worker.js"), workers, data);
  try {
    return await runRanges<TaskRunResult>({
      pool,
      ranges: pending.map((index): RowRange => ({ start: index, end: index + 1 })).values(),
      // One task per thread: piscina would otherwise queue them and "running" would lie.
      maxInFlight: workers,
      onResult: ({ start }, result) => {
        const record = finishedRecord(spec, spec.tasks[start], result.seconds);
        records[start] = record;
        unsettled--;
        writeResultsCsv(resultsFile(spec.outDir), settledRecords(records));
        options.onTask?.(record);
        report();
      },
    });
  } finally {
    await pool.destroy();
  }
}

function finishedRecord(spec: ParetoSpec, task: ParetoTask, seconds: number | null): TaskRecord {
  const finished = readFinishedTask(taskDir(spec.outDir, task), spec.measure);
  return { task: taskOf(task), status: "ok", finished, seconds };
}

const taskOf = ({ key, model, lambda, seed, beta }: ParetoTask) => ({
  key,
  model,
  lambda,
  seed,
  beta,
});

const settledRecords = (records: (TaskRecord | undefined)[]) =>
  records.filter((record): record is TaskRecord => record !== undefined);
