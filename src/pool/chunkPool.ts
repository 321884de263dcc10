/**
 * Long jobs (sweeps, blackbox tables) as ranges of row indices on a piscina pool: a bounded
 * number in flight, so the job's memory does not grow with its length, and a range whose worker
 * crashed or threw run once more, then reported, while the others go on.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Piscina } from "piscina";
import { projectRoot } from "../projectRoot.js";

/** Rows [start, end). */
export interface RowRange {
  start: number;
  end: number;
}

export interface FailedRange extends RowRange {
  /** the second failure's message */
  error: string;
}

export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * Threads beyond this many per core only queue for the cores, each holding its own engine and
 * networks: `sweep --workers 1000` took 49 s for one row, spent starting threads.
 */
export const workersPerCore = 4;

export function maxWorkers(): number {
  return workersPerCore * availableParallelism();
}

/** Workers run the compiled JS, also when vitest runs the sources that start them. */
export function builtWorkerFile(pathUnderSrc: string): string {
  const file = join(projectRoot(), "dist", "src", pathUnderSrc);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build`);
  return file;
}

export function createPool(filename: string, workers: number, workerData: unknown): Piscina {
  return new Piscina({
    filename,
    workerData,
    minThreads: workers,
    maxThreads: workers,
    // Keep idle threads: restarting one reloads the WASM engine and the networks it cached.
    idleTimeout: 60_000,
    execArgv: [...process.execArgv, ...loadTaskModuleByImport],
  });
}

/**
 * Piscina loads a task module with require() and falls back to import(). Node ≥ 20.19 lets
 * require() load ES modules, and a thread terminated while doing so (a pool closed while its
 * spare threads still start up: `sweep --workers 8` of one row on a busy machine) aborts the whole
 * process ("v8::Module::IsGraphAsync must be used on an instantiated module", SIGABRT, 6 of 60
 * runs under load). Without require(esm) in the threads, piscina takes its import() path, which a
 * termination ends cleanly.
 */
const noRequireModule = "--no-experimental-require-module";
const loadTaskModuleByImport = process.allowedNodeEnvironmentFlags.has(noRequireModule)
  ? [noRequireModule]
  : [];

export interface RangeRun<Result> {
  pool: Piscina;
  ranges: Iterator<RowRange>;
  /** ranges submitted and not yet settled; piscina queues those beyond the thread count */
  maxInFlight: number;
  /** called once per successful range, in completion order; a throw stops the run */
  onResult: (range: RowRange, result: Result) => void;
  /**
   * A buffer to lend the range's worker (as the task's `buffer`), moved there, not copied: one a
   * result came back in, so a worker writing megabytes a range needs no fresh memory for them
   */
  lend?: () => ArrayBuffer | undefined;
  /**
   * Deliver results in the order the ranges were drawn instead, so what onResult writes does not
   * depend on which worker finished first (a range that failed twice is passed over). At most
   * 2 × maxInFlight ranges wait behind the oldest unfinished one.
   */
  inOrder?: boolean;
}

interface Attempt {
  range: RowRange;
  retry: boolean;
}

/** Resolves with the ranges that failed twice once every range has settled. */
export function runRanges<Result>(run: RangeRun<Result>): Promise<FailedRange[]> {
  const failed: FailedRange[] = [];
  const retries: Attempt[] = [];
  let inFlight = 0;
  let exhausted = false;
  let stopped = false;
  const order = run.inOrder ? inOrderDelivery(run) : undefined;
  const nextAttempt = (): Attempt | undefined => {
    const retry = retries.shift();
    if (retry !== undefined || exhausted || order?.full()) return retry;
    const next = run.ranges.next();
    exhausted = next.done === true;
    if (exhausted) return undefined;
    order?.drawn(next.value);
    return { range: next.value, retry: false };
  };
  return new Promise((resolve, reject) => {
    const settle = (attempt: Attempt, result: Result | undefined, error: unknown) => {
      if (error === undefined) (order?.succeeded ?? run.onResult)(attempt.range, result as Result);
      else if (!attempt.retry) retries.push({ range: attempt.range, retry: true });
      else {
        failed.push({ ...attempt.range, error: (error as Error)?.message ?? String(error) });
        order?.failed(attempt.range);
      }
    };
    const pump = () => {
      while (!stopped && inFlight < run.maxInFlight) {
        const attempt = nextAttempt();
        if (attempt === undefined) break;
        inFlight++;
        const { start, end } = attempt.range;
        const buffer = run.lend?.();
        run.pool
          .run({ start, end, buffer }, { transferList: buffer === undefined ? [] : [buffer] })
          .then(
            (result: Result) => settle(attempt, result, undefined),
            (error: unknown) => settle(attempt, undefined, error ?? new Error("worker failed")),
          )
          .then(() => {
            inFlight--;
            pump();
          })
          .catch((error: unknown) => {
            stopped = true;
            reject(error);
          });
      }
      if (!stopped && inFlight === 0 && exhausted && retries.length === 0) resolve(failed);
    };
    pump();
  });
}

/** Holds finished ranges until every range drawn before them has finished or failed. */
function inOrderDelivery<Result>(run: RangeRun<Result>) {
  const waiting: RowRange[] = [];
  const finished = new Map<RowRange, { result: Result } | "failed">();
  const deliver = () => {
    while (waiting.length > 0 && finished.has(waiting[0])) {
      const range = waiting.shift() as RowRange;
      const outcome = finished.get(range);
      finished.delete(range);
      if (outcome !== "failed") run.onResult(range, (outcome as { result: Result }).result);
    }
  };
  return {
    full: () => waiting.length >= 2 * run.maxInFlight,
    drawn: (range: RowRange) => waiting.push(range),
    succeeded: (range: RowRange, result: Result) => {
      finished.set(range, { result });
      deliver();
    },
    failed: (range: RowRange) => {
      finished.set(range, "failed");
      deliver();
    },
  };
}
