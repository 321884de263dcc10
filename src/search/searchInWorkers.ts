/**
 * `uboost search` on several worker threads: every thread loads the data and builds each stage's
 * supernet itself, and they run every stage in lockstep, each on its share of every batch
 * (../train/shards.ts); rank 0 writes the outputs. A thread that dies ends the run with one line
 * that names the folder to resume.
 */
import type { TrainingDataOptions } from "../data/trainingData.js";
import type { SearchSpace } from "../model/space.js";
import { epochsInWorkers } from "../pool/lockstepEpochs.js";
import type { BackendName } from "../train/backendNames.js";
import type { SearchOptions, SearchOutcome } from "./run.js";
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

/** Runs a search on worker threads (searchWorker.ts), one a rank; resolves to rank 0's outcome. */
export const searchInWorkers = epochsInWorkers<
  SearchJob,
  SearchOutcome,
  Pick<SearchOptions, "onBatch" | "onEpoch">
>("search/searchWorker.js", (job) => job.outDir);
