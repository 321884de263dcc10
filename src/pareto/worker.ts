/**
 * The Pareto study's piscina worker: one task (a whole search and its final training) per call.
 * Each thread has its own tfjs (worker threads do not share modules), picks its backend once, and
 * keeps the training data of the last seed it saw.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { workerData } from "piscina";
import type { TrainingData } from "../data/imageSet.js";
import { loadTrainingData } from "../data/trainingData.js";
import { readBlackboxTable } from "../hw/blackbox/tableFile.js";
import { modelContext } from "../hw/models/index.js";
import type { SearchSpace } from "../model/space.js";
import type { RowRange } from "../pool/chunkPool.js";
import { runSearch } from "../search/run.js";
import { type SearchSettings, trainingDataOptions } from "../search/settings.js";
import { type BackendName, selectBackend } from "../train/backend.js";
import { type ParetoTask, taskDir } from "./tasks.js";

export interface ParetoWorkerData {
  tasks: ParetoTask[];
  outDir: string;
  dataDir: string;
  space: SearchSpace;
  tablePath?: string;
  backend?: BackendName;
}

export interface TaskRunResult {
  seconds: number;
}

const job = workerData as ParetoWorkerData;
const context = modelContext({
  blackboxTable: job.tablePath === undefined ? undefined : readBlackboxTable(job.tablePath),
});
let backend: Promise<string> | undefined;
let loaded: { key: string; data: Promise<TrainingData> } | undefined;

/** Runs task `start` (ranges are one task long); a task cut off earlier resumes from its checkpoints. */
export default async function runTask({ start }: RowRange): Promise<TaskRunResult> {
  const task = job.tasks[start];
  crashHookForTests(task.key);
  const started = performance.now();
  backend ??= selectBackend(job.backend);
  await runSearch({
    settings: task.settings,
    space: job.space,
    data: await trainingData(task.settings),
    outDir: taskDir(job.outDir, task),
    resume: true,
    backend: await backend,
    context,
  });
  return { seconds: (performance.now() - started) / 1e3 };
}

/** The splits as `uboost search` makes them (its validation split depends on the seed). */
function trainingData(settings: SearchSettings): Promise<TrainingData> {
  const options = trainingDataOptions(settings);
  const key = JSON.stringify(options);
  if (loaded?.key !== key) {
    const data = loadTrainingData(job.dataDir, options);
    loaded = { key, data };
  }
  return loaded.data;
}

/**
 * Test hook (test/pareto): UBOOST_PARETO_CRASH="<taskKey>:<times>:<counterFile>" ends this
 * worker thread (exit code 1, as a crash would) the first <times> times task <taskKey> starts,
 * counting in <counterFile>, so the tests can see a crashed task retried once, then recorded.
 */
function crashHookForTests(key: string): void {
  const hook = process.env.UBOOST_PARETO_CRASH;
  if (!hook) return;
  const [hookKey, times, ...path] = hook.split(":");
  const counterFile = path.join(":");
  if (hookKey !== key) return;
  const crashes = existsSync(counterFile) ? Number(readFileSync(counterFile, "utf8")) : 0;
  if (crashes >= Number(times)) return;
  writeFileSync(counterFile, String(crashes + 1));
  process.exit(1);
}
