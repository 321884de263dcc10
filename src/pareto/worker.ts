/**
 * The Pareto study's piscina worker: one task (a whole search and its final training) per call.
 * Each thread has its own tfjs (worker threads do not share modules), picks its backend once, and
 * keeps the training data of the last seed it saw. The local pool names a task by its index in
 * workerData's study; the queue worker (src/pareto/queue/) sends the whole task instead.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { workerData } from "piscina";
import type { TrainingData } from "../data/imageSet.js";
import { loadTrainingData } from "../data/trainingData.js";
import type { BlackboxTable } from "../hw/blackbox/table.js";
import { readBlackboxTable } from "../hw/blackbox/tableFile.js";
import type { ModelContext } from "../hw/costModel.js";
import { modelContext } from "../hw/models/index.js";
import type { SearchSpace } from "../model/space.js";
import type { RowRange } from "../pool/chunkPool.js";
import { runSearch } from "../search/run.js";
import { searchInWorkers } from "../search/searchInWorkers.js";
import { type SearchSettings, trainingDataOptions } from "../search/settings.js";
import { type BackendName, selectBackend } from "../train/backend.js";
import { type ParetoTask, taskDir } from "./tasks.js";

/** The local pool's workerData: the whole study. */
export interface ParetoWorkerData {
  tasks: ParetoTask[];
  outDir: string;
  dataDir: string;
  space: SearchSpace;
  tablePath?: string;
  backend?: BackendName;
  /** threads each task searches on, data-parallel (1: the pool thread itself) */
  taskWorkers?: number;
}

/** One task and everything it runs on. */
export interface TaskInput {
  task: ParetoTask;
  /** the task's folder: its checkpoints, arch.json, final.json, final/ */
  dir: string;
  dataDir: string;
  space: SearchSpace;
  /** the blackbox cost model's table, when a task's model needs one */
  table?: BlackboxTable;
  backend?: BackendName;
}

export interface TaskRunResult {
  seconds: number;
}

const study = workerData as ParetoWorkerData | undefined;
let studyContext: ModelContext | undefined;
let tableContext: { key: string; context: ModelContext } | undefined;
let backend: Promise<string> | undefined;
let loaded: { key: string; data: Promise<TrainingData> } | undefined;

/** Runs one task; a task cut off earlier resumes from the checkpoints in its folder. */
export default async function runTask(call: RowRange | TaskInput): Promise<TaskRunResult> {
  const input = "task" in call ? call : studyTask(call);
  const { task } = input;
  crashHookForTests(task.key);
  const started = performance.now();
  backend ??= selectBackend(input.backend);
  const taskWorkers = "task" in call ? 1 : ((study as ParetoWorkerData).taskWorkers ?? 1);
  if (taskWorkers > 1) {
    // the pool thread waits while the task's own threads search
    await searchInWorkers(
      {
        settings: task.settings,
        space: input.space,
        dataFolder: input.dataDir,
        dataOptions: trainingDataOptions(task.settings),
        outDir: input.dir,
        resume: true,
        backend: (await backend) as BackendName,
        tablePath: (study as ParetoWorkerData).tablePath,
      },
      taskWorkers,
      {},
    );
    return { seconds: (performance.now() - started) / 1e3 };
  }
  await runSearch({
    settings: task.settings,
    space: input.space,
    data: await trainingData(input.dataDir, task.settings),
    outDir: input.dir,
    resume: true,
    backend: await backend,
    context: "task" in call ? contextOfTable(input.table) : contextOfStudy(),
  });
  return { seconds: (performance.now() - started) / 1e3 };
}

/** Task `start` of the local pool's study (its ranges are one task long). */
function studyTask({ start }: RowRange): TaskInput {
  const { tasks, outDir, dataDir, space, backend } = study as ParetoWorkerData;
  const task = tasks[start];
  return { task, dir: taskDir(outDir, task), dataDir, space, backend };
}

/** The study's table is read once per thread. */
function contextOfStudy(): ModelContext {
  const path = (study as ParetoWorkerData).tablePath;
  studyContext ??= modelContext({
    blackboxTable: path === undefined ? undefined : readBlackboxTable(path),
  });
  return studyContext;
}

/** A queued task brings its table; the context (and its engine) is kept while the table stays. */
function contextOfTable(table: BlackboxTable | undefined): ModelContext {
  const key = JSON.stringify(table ?? null);
  if (tableContext?.key !== key)
    tableContext = { key, context: modelContext({ blackboxTable: table }) };
  return tableContext.context;
}

/** The splits as `uboost search` makes them (its validation split depends on the seed). */
function trainingData(dataDir: string, settings: SearchSettings): Promise<TrainingData> {
  const options = trainingDataOptions(settings);
  const key = JSON.stringify({ dataDir, options });
  if (loaded?.key !== key) {
    const data = loadTrainingData(dataDir, options);
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
