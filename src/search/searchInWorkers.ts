/**
 * `uboost search` on several worker threads: every thread loads the data and builds each stage's
 * supernet itself, and they run every stage in lockstep, each on its share of every batch
 * (../train/shards.ts); rank 0 writes the outputs. A thread that dies ends the run with one line
 * that names the folder to resume.
 */
import type { TrainingDataOptions } from "../data/trainingData.js";
import type { SearchSpace } from "../model/space.js";
import { builtWorkerFile } from "../pool/chunkPool.js";
import { runLockstep } from "../pool/lockstepRun.js";
import type { BackendName } from "../train/backendNames.js";
import type { SearchOptions, SearchOutcome } from "./run.js";
import type { MetricsRow } from "./searchState.js";
import type { SearchSettings } from "./settings.js";

/** What every rank needs to rebuild the search: plain data, posted to the threads. */
export interface SearchJob {
  settings: SearchSettings;
  space: SearchSpace;
  dataFolder: string;
  dataOptions: TrainingDataOptions;
  outDir: string;
  resume: boolean;
  backend: BackendName;
  /** the blackbox table file, for the models that need one */
  tablePath?: string;
}

/** Rank 0's progress, as the worker posts it. */
export type SearchProgress =
  | { kind: "batch"; progress: Parameters<NonNullable<SearchOptions["onBatch"]>>[0] }
  | { kind: "epoch"; row: MetricsRow };

export async function searchInWorkers(
  job: SearchJob,
  workers: number,
  callbacks: Pick<SearchOptions, "onBatch" | "onEpoch">,
): Promise<SearchOutcome> {
  const onProgress = (value: unknown) => {
    const message = value as SearchProgress;
    if (message.kind === "batch") callbacks.onBatch?.(message.progress);
    else callbacks.onEpoch?.(message.row);
  };
  return runLockstep<SearchJob, SearchOutcome>(
    builtWorkerFile("search/searchWorker.js"),
    workers,
    job,
    onProgress,
    `${job.outDir} keeps the last finished epoch's checkpoint: rerun with --resume to continue`,
  );
}
