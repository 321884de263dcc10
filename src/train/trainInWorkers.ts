/**
 * `uboost train` on several worker threads: every thread loads the data and builds the network
 * itself, and they train it in lockstep, each on its share of every batch (shards.ts); rank 0
 * writes the outputs. A thread that dies ends the run with one line that names the checkpoint.
 */
import type { TrainingDataOptions } from "../data/trainingData.js";
import type { ArchFile } from "../model/archFile.js";
import { builtWorkerFile } from "../pool/chunkPool.js";
import { runLockstep } from "../pool/lockstepRun.js";
import type { BackendName } from "./backendNames.js";
import type { EpochMetrics, EpochTiming, TrainOptions, TrainResult } from "./trainNetwork.js";

/** What every rank needs to rebuild the run: plain data, posted to the threads. */
export interface TrainJob {
  arch: ArchFile;
  dataFolder: string;
  dataOptions: TrainingDataOptions;
  backend: BackendName;
  options: Omit<TrainOptions, "onBatch" | "onEpoch" | "lockstep">;
}

/** Rank 0's progress, as the worker posts it. */
export type TrainProgress =
  | { kind: "batch"; progress: Parameters<NonNullable<TrainOptions["onBatch"]>>[0] }
  | { kind: "epoch"; metrics: EpochMetrics; timing: EpochTiming };

export async function trainInWorkers(
  job: TrainJob,
  workers: number,
  callbacks: Pick<TrainOptions, "onBatch" | "onEpoch">,
): Promise<TrainResult> {
  const onProgress = (value: unknown) => {
    const message = value as TrainProgress;
    if (message.kind === "batch") callbacks.onBatch?.(message.progress);
    else callbacks.onEpoch?.(message.metrics, message.timing);
  };
  return runLockstep<TrainJob, TrainResult>(
    builtWorkerFile("train/trainWorker.js"),
    workers,
    job,
    onProgress,
    `${job.options.outDir} keeps the last finished epoch's checkpoint: rerun with --resume to continue`,
  );
}
