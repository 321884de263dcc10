/**
 * Lockstep runs of training epochs (train --workers, search --workers): rank 0's batches and
 * finished epochs reach the parent's callbacks as they would in one thread, and a rank that dies
 * ends the run with a line naming the folder whose checkpoint it resumes from.
 */
import { builtWorkerFile } from "./chunkPool.js";
import { runLockstep } from "./lockstepRun.js";

/**
 * A run's progress callbacks: one per batch, one per finished epoch (its arguments as given).
 * Method syntax, so that each run's own callback types fit (their parameters are checked both ways).
 */
export interface EpochCallbacks {
  onBatch?(batch: unknown): void;
  onEpoch?(...epoch: unknown[]): void;
}

type EpochMessage = { kind: "batch"; batch: unknown } | { kind: "epoch"; epoch: unknown[] };

/** The worker side: callbacks that post each batch and epoch to the parent (rank 0's only). */
export function postedEpochs(progress: (value: unknown) => void): Required<EpochCallbacks> {
  return {
    onBatch: (batch) => progress({ kind: "batch", batch } satisfies EpochMessage),
    onEpoch: (...epoch) => progress({ kind: "epoch", epoch } satisfies EpochMessage),
  };
}

/**
 * Runs `task` on `ranks` threads of the worker `file` (whose run reports through postedEpochs)
 * and returns rank 0's result; `outDir` holds the checkpoints a rerun resumes from.
 */
export function runLockstepEpochs<Task, Result>(
  file: string,
  ranks: number,
  task: Task,
  outDir: string,
  callbacks: EpochCallbacks,
): Promise<Result> {
  const onProgress = (value: unknown) => {
    const message = value as EpochMessage;
    if (message.kind === "batch") callbacks.onBatch?.(message.batch);
    else callbacks.onEpoch?.(...message.epoch);
  };
  return runLockstep<Task, Result>(
    file,
    ranks,
    task,
    onProgress,
    `${outDir} keeps the last finished epoch's checkpoint: rerun with --resume to continue`,
  );
}

/**
 * The launcher of a run whose ranks are the built `workerModule` (its path under src/, as .js): it runs
 * a job on `ranks` threads, its checkpoints in `outDirOf(job)`.
 */
export function epochsInWorkers<Job, Result, Callbacks extends EpochCallbacks>(
  workerModule: string,
  outDirOf: (job: Job) => string,
): (job: Job, ranks: number, callbacks: Callbacks) => Promise<Result> {
  return async (job, ranks, callbacks) =>
    runLockstepEpochs(builtWorkerFile(workerModule), ranks, job, outDirOf(job), callbacks);
}
