/**
 * `uboost train` on several worker threads: every thread loads the data and builds the network
 * itself, and they train it in lockstep, each on its share of every batch (shards.ts); rank 0
 * writes the outputs. A thread that dies ends the run with one line that names the checkpoint.
 */
import type { TrainingDataOptions } from "../data/trainingData.js";
import type { ArchFile } from "../model/archFile.js";
import { epochsInWorkers } from "../pool/lockstepEpochs.js";
import type { BackendName } from "./backendNames.js";
import type { TrainOptions, TrainResult } from "./trainNetwork.js";

/** What every rank needs to rebuild the run: plain data, posted to the threads. */
export interface TrainJob {
  arch: ArchFile;
  dataFolder: string;
  dataOptions: TrainingDataOptions;
  backend: BackendName;
  options: Omit<TrainOptions, "onBatch" | "onEpoch" | "lockstep">;
}

/** Trains on worker threads (trainWorker.ts), one a rank; resolves to rank 0's result. */
export const trainInWorkers = epochsInWorkers<
  TrainJob,
  TrainResult,
  Pick<TrainOptions, "onBatch" | "onEpoch">
>("train/trainWorker.js", (job) => job.options.outDir);
