import { isAbsolute, relative, resolve, sep } from "node:path";
import type { Argv } from "yargs";
import { folderHash } from "../data/contentHash.js";
import { checkDataFolder } from "../data/dataFolder.js";
import { InputError } from "../errors.js";
import { checkOutputFolder } from "../files/outputPath.js";
import { readBlackboxTable } from "../hw/blackbox/tableFile.js";
import { readSearchSpace, uboostSpace } from "../model/space.js";
import {
  type MeasureSettings,
  type MeasureSimulator,
  measureSimulators,
  measureText,
  paperMeasure,
} from "../pareto/measure.js";
import { writeStudyOutputs } from "../pareto/outputs.js";
import { queueRunner } from "../pareto/queue/coordinator.js";
import { readResultsFile } from "../pareto/readResults.js";
import type { TaskRecord } from "../pareto/results.js";
import {
  type ParetoProgress,
  type ParetoResult,
  type ParetoSpec,
  resultsFile,
  runPareto,
} from "../pareto/run.js";
import { checkTaskWorkers, recordedTaskWorkers } from "../pareto/study.js";
import { type ParetoSummary, summarizeStudy } from "../pareto/summary.js";
import { accuracyRuntimeTable, hypervolumeTable } from "../pareto/table4.js";
import { type BetaRule, type ParetoGrid, paretoTasks, utilizationModels } from "../pareto/tasks.js";
import { checkReachable } from "../queue/connection.js";
import { maskedUrl, queueTarget, redisUrlVariable } from "../queue/redisUrl.js";
import { needsBlackboxTable, searchModelNames } from "../search/costSurface.js";
import { costTermNames, type PresetName, presetNames, studyLambdas } from "../search/settings.js";
import { type BackendName, backendNames } from "../train/backendNames.js";
import { dataFolderHelp } from "./flags/data.js";
import { listOf, nonEmptyList } from "./flags/lists.js";
import { nonNegativeNumber, positiveInteger, seedOf } from "./flags/numbers.js";
import { parseWorkers } from "./flags/workers.js";
import { percent, renderTable } from "./format.js";
import { progressBar } from "./progress.js";
import { searchSettings } from "./searchFlags.js";

interface ParetoArgs {
  data?: string;
  lambdas?: string[];
  "hw-models": string[];
  "cost-terms"?: string;
  seeds: string | string[];
  preset: string;
  array?: string;
  beta?: string;
  "beta-all": boolean;
  "measure-batch"?: string;
  measure: MeasureSimulator;
  channels?: string;
  "micro-layout"?: string;
  "channel-layout"?: string;
  resolution?: string;
  backend?: string;
  space?: string;
  table?: string;
  workers?: string;
  "task-workers"?: string;
  queue?: string;
  "data-root": string;
  out?: string;
  resume: boolean;
  summarize?: string;
  json: boolean;
}

export const paretoCommand = {
  command: "pareto",
  describe: "Searches over cost models × λ × seeds on a worker pool: fronts, hypervolumes, figures",
  builder: (yargs: Argv) =>
    yargs
      .option("data", { type: "string", describe: `${dataFolderHelp} (needed to run)` })
      .option("lambdas", {
        type: "string",
        array: true,
        describe: `latency weights λ per ms, comma-separated (default: the preset's; paper ${studyLambdas.paper.join(",")})`,
      })
      .option("hw-models", {
        type: "string",
        array: true,
        default: "systolic,flops",
        choices: searchModelNames,
        coerce: (value: string | string[]) => listOf(value, "--hw-models"),
        describe: "cost models, comma-separated",
      })
      .option("seeds", {
        type: "string",
        array: true,
        default: "0",
        describe: "random seeds, integers >= 0, comma-separated",
      })
      .option("preset", { type: "string", default: "paper", choices: presetNames })
      .option("cost-terms", {
        type: "string",
        choices: costTermNames,
        describe: "how latency and utilization enter the loss (default: reference)",
      })
      .option("array", { type: "string", describe: "search array ROWSxCOLS (default: preset's)" })
      .option("beta", {
        type: "string",
        describe: `utilization weight β (default: preset's), for ${utilizationModels.join(", ")} only`,
      })
      .option("beta-all", {
        type: "boolean",
        default: false,
        describe:
          "give every cost model the utilization term β (default: the others search with β = 0)",
      })
      .option("measure", {
        type: "string",
        choices: measureSimulators,
        default: paperMeasure.simulator,
        describe: "what times the final networks: our simulator, or csim (the authors', Table 4's)",
      })
      .option("measure-batch", {
        type: "string",
        describe: `batch the final networks are simulated at (default: ${paperMeasure.batch})`,
      })
      .option("channels", { type: "string", describe: "channel options MIN:MAX:STEP" })
      .option("micro-layout", {
        type: "string",
        describe: "micro stage cells, 1 = a max-pool after (default: preset's)",
      })
      .option("channel-layout", {
        type: "string",
        describe: "channel stage and final network cells, as --micro-layout",
      })
      .option("resolution", { type: "string", describe: "input px (default: preset's)" })
      .option("backend", {
        type: "string",
        choices: backendNames,
        describe: "tfjs backend (default: the fastest that loads)",
      })
      .option("space", { type: "string", describe: "search space JSON file" })
      .option("table", { type: "string", describe: "blackbox table (for the blackbox model)" })
      .option("workers", {
        type: "string",
        describe: "threads for the study, divided among its tasks (default: the cores)",
      })
      .option("task-workers", {
        type: "string",
        describe:
          "threads each task searches on, data-parallel (default: --workers ÷ tasks, at least 1; a resumed study keeps its own)",
      })
      .option("queue", {
        type: "string",
        describe: `run the tasks on uboost worker processes through Redis: redis://[USER:PASSWORD@]HOST:PORT[/DB]; alone: the URL in ${redisUrlVariable}`,
      })
      .option("data-root", {
        type: "string",
        default: ".",
        describe:
          "with --queue: jobs name --data relative to this folder (the workers' --data-root)",
      })
      .option("out", { type: "string", describe: "output folder (needed to run)" })
      .option("resume", {
        type: "boolean",
        default: false,
        describe: "keep the tasks an earlier run finished in --out",
      })
      .option("summarize", {
        type: "string",
        describe: "recompute Table 4 and the hypervolumes from a study's results.csv; runs nothing",
      })
      .option("json", { type: "boolean", default: false, describe: "the summary as JSON" })
      .example(
        "$0 pareto --data data/cifar10-mini --preset demo --hw-models systolic,flops --seeds 0,1 --out runs/pareto",
        "Fig. 5 and Table 4 in miniature (the demo preset's λs)",
      )
      .example("$0 pareto --summarize runs/pareto/results.csv --json", "the tables again, as JSON"),
  handler: async (args: ParetoArgs) => {
    if (args.summarize !== undefined) return summarizeResults(args.summarize, args.json);
    const out = required(args.out, "--out");
    checkOutputFolder(out, "--out");
    const measure = { batch: measureBatchOf(args), simulator: args.measure };
    const grid = gridOf(args);
    const spec = await studySpec(args, grid, measure, required(args.data, "--data"), out);
    const queue = args.queue === undefined ? undefined : await queueOf(args, spec.dataDir);
    const workers = queue === undefined ? parseWorkers(args.workers) : undefined;
    spec.taskWorkers = taskWorkersOf(args, workers, spec.tasks.length, out);
    const result = await runWithProgress(spec, args, queue, workers);
    const outputs = await writeStudyOutputs(result, out, spec.tasks[0].settings, measure);
    reportRun(result, [resultsFile(out), ...outputs]);
    process.stdout.write(
      args.json
        ? `${JSON.stringify(paretoJson(result, out))}\n`
        : `${summaryText(result.summary, measureText(measure))}\n`,
    );
    // Tasks that failed twice are not an input problem, but the study is incomplete.
    if (result.failed > 0) process.exitCode = 1;
  },
};

/** --summarize: the tables from results.csv alone (its runtimes were measured when it was written). */
function summarizeResults(path: string, json: boolean): void {
  const { records, models, lambdas } = readResultsFile(path);
  const summary = summarizeStudy(records, models, lambdas);
  process.stdout.write(
    json
      ? `${JSON.stringify({ file: path, ...summaryJson(summary) })}\n`
      : `${summaryText(summary, undefined)}\n`,
  );
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === "") {
    throw new InputError(`${flag}: needed to run a study (or give --summarize FILE)`);
  }
  return value;
}

function measureBatchOf(args: ParetoArgs): number {
  const batch = args["measure-batch"];
  return batch === undefined ? paperMeasure.batch : positiveInteger(batch, "--measure-batch");
}

function gridOf(args: ParetoArgs): ParetoGrid {
  // --hw-models is split and checked against the search's cost models by yargs (coerce, choices)
  const models = unique(args["hw-models"]);
  if (models.length === 0) throw new InputError("--hw-models: give at least one cost model");
  const lambdas =
    args.lambdas === undefined
      ? [...studyLambdas[args.preset as PresetName]]
      : unique(nonEmptyList(args.lambdas, "--lambdas", "λ", nonNegativeNumber));
  const seeds = unique(nonEmptyList(args.seeds, "--seeds", "seed", seedOf));
  return { models, lambdas, seeds };
}

/** Everything a task could trip on is checked here, so workers never see bad input. */
async function studySpec(
  args: ParetoArgs,
  grid: ParetoGrid,
  measure: MeasureSettings,
  data: string,
  out: string,
): Promise<ParetoSpec> {
  const settingsOf = (model: string, lambda: number, seed: number) =>
    searchSettings({
      ...args,
      data,
      out,
      "hw-model": model,
      lambda: String(lambda),
      seed: String(seed),
    });
  const betaRule: BetaRule = {
    beta: settingsOf(grid.models[0], grid.lambdas[0], grid.seeds[0]).beta,
    all: args["beta-all"],
  };
  const tasks = paretoTasks(grid, betaRule, settingsOf);
  if (grid.models.some(needsBlackboxTable) && args.table === undefined) {
    throw new InputError("--hw-models blackbox needs --table FILE (uboost blackbox build)");
  }
  if (args.table !== undefined) readBlackboxTable(args.table);
  if (args.workers !== undefined) positiveInteger(args.workers, "--workers");
  // Fails early on a wrong folder; the workers load their own copies.
  await checkDataFolder(data);
  return {
    grid,
    betaRule,
    measure,
    tasks,
    outDir: out,
    dataDir: data,
    space: args.space ? readSearchSpace(args.space) : uboostSpace,
    tablePath: args.table,
    backend: args.backend as BackendName | undefined,
  };
}

/**
 * Threads per task: --task-workers, else the count a resumed study recorded, else the study's
 * threads divided among its tasks (so a study of fewer tasks than cores still fills them). On the
 * queue a task runs on its worker process's one thread.
 */
function taskWorkersOf(
  args: ParetoArgs,
  workers: number | undefined,
  tasks: number,
  out: string,
): number {
  const flag = args["task-workers"];
  if (workers === undefined) {
    if (flag !== undefined) {
      throw new InputError(
        "--task-workers: not used with --queue (a worker runs a task on one thread)",
      );
    }
    return 1;
  }
  const recorded = args.resume ? recordedTaskWorkers(out) : undefined;
  if (flag === undefined) return recorded ?? Math.max(1, Math.floor(workers / tasks));
  const taskWorkers = positiveInteger(flag, "--task-workers");
  // refused here, before the banner, as pareto.json would refuse it once the study opens
  if (recorded !== undefined) checkTaskWorkers(out, recorded, taskWorkers);
  return taskWorkers;
}

/**
 * --queue: the Redis server, checked to answer before anything is written, and the data as the
 * jobs name it (relative to --data-root, with its content hash for the workers to compare).
 */
async function queueOf(args: ParetoArgs, dataDir: string) {
  if (args.workers !== undefined) {
    throw new InputError(
      "--workers: not used with --queue (start uboost worker processes instead)",
    );
  }
  const target = queueTarget(args.queue as string, "--queue");
  const root = resolve(args["data-root"]);
  const path = relative(root, resolve(dataDir)).split(sep).join("/");
  if (path === "" || path.startsWith("../") || path === ".." || isAbsolute(path)) {
    throw new InputError(
      `--data: ${dataDir} is not inside --data-root ${args["data-root"]} (jobs name the data relative to it)`,
    );
  }
  await checkReachable(target, "--queue");
  return { target, runner: queueRunner(target, { path, hash: await folderHash(dataDir) }) };
}

async function runWithProgress(
  spec: ParetoSpec,
  args: ParetoArgs,
  queue: Awaited<ReturnType<typeof queueOf>> | undefined,
  workers: number | undefined,
): Promise<ParetoResult> {
  const bar = progressBar();
  // The bar is silent off a terminal: logs get a line per task instead.
  const log = !process.stderr.isTTY;
  const taskSeconds: number[] = [];
  let progress: ParetoProgress = { done: 0, running: 0, total: spec.tasks.length };
  process.stderr.write(
    `uboost pareto: ${spec.tasks.length} tasks (${spec.grid.models.length} models × ${spec.grid.lambdas.length} λ × ${spec.grid.seeds.length} seeds), ${queue === undefined ? `${workers} workers${(spec.taskWorkers ?? 1) > 1 ? ` (${spec.taskWorkers} a task)` : ""}` : `on the queue at ${maskedUrl(queue.target)}`}, preset ${args.preset}\n`,
  );
  try {
    return await runPareto(spec, {
      resume: args.resume,
      workers,
      runner: queue?.runner,
      onProgress: (next) => {
        progress = next;
        bar.update(next.done, next.total, `pareto: ${next.running} running`);
      },
      onTask: (record) => {
        if (record.seconds !== null) taskSeconds.push(record.seconds);
        const parallel = workers ?? Math.max(1, progress.running);
        if (log) process.stderr.write(`${taskLine(record, progress, taskSeconds, parallel)}\n`);
      },
    });
  } finally {
    bar.stop();
  }
}

/** "systolic λ=0.1 seed 0: top-1 41.0%, 88.1 µs, util 12.3% in 70 s; 3/12 done, ETA 5 min" */
function taskLine(
  record: TaskRecord,
  before: ParetoProgress,
  taskSeconds: number[],
  workers: number,
): string {
  const { task, finished } = record;
  const done = before.done + 1;
  const mean = taskSeconds.reduce((sum, s) => sum + s, 0) / taskSeconds.length;
  const etaMinutes = ((before.total - done) * mean) / Math.min(workers, before.total) / 60;
  const figures = finished
    ? `top-1 ${percent(finished.testTop1)}, ${finished.runtimeUs.toFixed(1)} µs, util ${percent(finished.utilization)}`
    : record.error;
  const where = record.worker === undefined ? "" : ` on ${record.worker}`;
  return `${task.model} λ=${task.lambda} seed ${task.seed}: ${figures} in ${record.seconds?.toFixed(0)} s${where}; ${done}/${before.total} done, ETA ${etaMinutes.toFixed(1)} min`;
}

function reportRun(result: ParetoResult, outputs: string[]): void {
  const resumed = result.resumed > 0 ? `, ${result.resumed} kept from an earlier run` : "";
  process.stderr.write(
    `${result.ran} tasks in ${result.seconds.toFixed(1)} s${resumed}; wrote ${outputs.join(", ")}\n`,
  );
  for (const record of result.records) {
    if (record.status === "failed") {
      process.stderr.write(
        `task ${record.task.key} failed twice: ${record.error}; run again with --resume to retry it\n`,
      );
    }
  }
}

/** The tables; `hardware` says what the runtimes were measured on, when known. */
function summaryText(summary: ParetoSummary, hardware: string | undefined): string {
  const accuracy = accuracyRuntimeTable(summary);
  const volumes = hypervolumeTable(summary);
  const runtime = hardware === undefined ? "" : `runtime: simulator on ${hardware}; `;
  return [
    renderTable(accuracy.head, accuracy.rows),
    "",
    renderTable(volumes.head, volumes.rows),
    `${runtime}hypervolume: Σ (100 − top-1 %)·(t_i − t_{i−1}) over each front from 0 ms (the paper's), lower is better`,
  ].join("\n");
}

/** hypervolumes in percentage points × ms, runtimes in ms */
function summaryJson(summary: ParetoSummary) {
  return { boundMs: summary.boundMs, table: summary.table, models: summary.models };
}

function paretoJson(result: ParetoResult, out: string) {
  const { summary, resumed, ran, failed, seconds, records } = result;
  return {
    tasks: { total: records.length, resumed, ran, failed },
    seconds,
    out,
    ...summaryJson(summary),
    failed: records
      .filter((record) => record.status === "failed")
      .map((record) => ({ key: record.task.key, error: record.error })),
  };
}

/** List flags may repeat (they are arrays to yargs); their lists add up. */
const unique = <T>(items: T[]) => [...new Set(items)];
