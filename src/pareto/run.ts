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
  /** what runs the tasks: the local pool unless given (src/pareto/queue/coordinator.ts) */
  runner?: TaskRunner;
  onProgress?: (progress: ParetoProgress) => void;
  /** each task as it finishes (not the resumed ones) */
  onTask?: (record: TaskRecord) => void;
}

/**
 * Runs the tasks at `pending` (indices into spec.tasks) and resolves with those that failed
 * twice once all have settled. It calls `finished` once a task's folder under spec.outDir holds
 * its finished search, and `running` as the number of tasks in progress changes.
 */
export type TaskRunner = (
  spec: ParetoSpec,
  pending: number[],
  events: RunnerEvents,
) => Promise<FailedTask[]>;

export interface RunnerEvents {
  finished(index: number, outcome: TaskOutcome): void;
  running(count: number): void;
}

export interface TaskOutcome {
  seconds: number;
  /** who ran it, when not this process's pool */
  worker?: string;
}

export interface FailedTask {
  index: number;
  /** the second failure's message */
  error: string;
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
  const study = studyFileOf(
    spec.dataDir,
    spec.space,
    grid,
    spec.betaRule,
    tasks,
    spec.taskWorkers ?? 1,
  );
  openStudy(outDir, study, options.resume ?? false);
  const records: (TaskRecord | undefined)[] = tasks.map((task) =>
    options.resume && isFinished(taskDir(outDir, task))
      ? finishedRecord(spec, task, null)
      : undefined,
  );
  const resumed = records.filter((record) => record !== undefined).length;
  const failures = await runPendingTasks(spec, options, records);
  for (const { index, error } of failures) {
    records[index] = { task: taskOf(tasks[index]), status: "failed", error, seconds: null };
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

/** Runs the tasks without a record; returns those that failed twice. */
async function runPendingTasks(
  spec: ParetoSpec,
  options: ParetoOptions,
  records: (TaskRecord | undefined)[],
): Promise<FailedTask[]> {
  const pending = records.flatMap((record, index) => (record === undefined ? [index] : []));
  let running = 0;
  const report = () =>
    options.onProgress?.({
      done: records.filter((record) => record !== undefined).length,
      running,
      total: records.length,
    });
  report();
  if (pending.length === 0) return [];
  const runner = options.runner ?? poolRunner(options.workers ?? defaultWorkers());
  return runner(spec, pending, {
    finished: (index, outcome) => {
      const record = finishedRecord(spec, spec.tasks[index], outcome.seconds);
      records[index] =
        outcome.worker === undefined ? record : { ...record, worker: outcome.worker };
      writeResultsCsv(resultsFile(spec.outDir), settledRecords(records));
      options.onTask?.(records[index]);
      report();
    },
    running: (count) => {
      running = count;
      report();
    },
  });
}

/**
 * The local pool: `maxWorkers` threads divided among the tasks, spec.taskWorkers to a task (a
 * task on more than one searches data-parallel), as many tasks at a time as that leaves room for.
 */
function poolRunner(maxWorkers: number): TaskRunner {
  return async (spec, pending, events) => {
    const taskWorkers = spec.taskWorkers ?? 1;
    const workers = Math.min(Math.max(1, Math.floor(maxWorkers / taskWorkers)), pending.length);
    let unsettled = pending.length;
    events.running(Math.min(workers, unsettled));
    const { tasks, outDir, dataDir, space, tablePath, backend } = spec;
    const data: ParetoWorkerData = {
      tasks,
      outDir,
      dataDir,
      space,
      tablePath,
      backend,
      taskWorkers,
    };
    const pool = createPool(builtWorkerFile("pareto/worker.js"), workers, data);
    try {
      const failed = await runRanges<TaskRunResult>({
        pool,
        ranges: pending.map((index): RowRange => ({ start: index, end: index + 1 })).values(),
        // One task per thread: piscina would otherwise queue them and "running" would lie.
        maxInFlight: workers,
        onResult: ({ start }, result) => {
          unsettled--;
          events.running(Math.min(workers, unsettled));
          events.finished(start, { seconds: result.seconds });
        },
      });
      return failed.map(({ start, error }) => ({ index: start, error }));
    } finally {
      await pool.destroy();
    }
  };
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
