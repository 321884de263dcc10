import type { Argv } from "yargs";
import { loadCifar10 } from "../data/cifar10.js";
import { InputError } from "../errors.js";
import { readBlackboxTable } from "../hw/blackbox/tableFile.js";
import { paperHardwareText } from "../pareto/measure.js";
import { writeStudyOutputs } from "../pareto/outputs.js";
import type { TaskRecord } from "../pareto/results.js";
import { type ParetoProgress, type ParetoResult, resultsFile, runPareto } from "../pareto/run.js";
import { accuracyRuntimeTable, hypervolumeTable } from "../pareto/table4.js";
import { type ParetoGrid, paretoTasks } from "../pareto/tasks.js";
import { defaultWorkers } from "../pool/chunkPool.js";
import { searchModelNames } from "../search/costSurface.js";
import { presetNames } from "../search/settings.js";
import { readSearchSpace, uboostSpace } from "../search/space.js";
import { type BackendName, backendNames } from "../train/backendNames.js";
import { percent, renderTable } from "./format.js";
import { listOf } from "./lists.js";
import { parsePositiveInteger } from "./options.js";
import { progressBar } from "./progress.js";
import { searchSettings } from "./search.js";

interface ParetoArgs {
  data: string;
  lambdas: string | string[];
  "hw-models": string | string[];
  seeds: string | string[];
  preset: string;
  array?: string;
  beta?: string;
  channels?: string;
  stacks?: string;
  backend?: string;
  space?: string;
  table?: string;
  workers?: string;
  out: string;
  resume: boolean;
  json: boolean;
}

export const paretoCommand = {
  command: "pareto",
  describe: "Searches over cost models × λ × seeds on a worker pool: fronts, hypervolumes, figures",
  builder: (yargs: Argv) =>
    yargs
      .option("data", { type: "string", demandOption: true, describe: "CIFAR-10 binary folder" })
      .option("lambdas", {
        type: "string",
        demandOption: true,
        describe: "latency weights λ per ms, comma-separated",
      })
      .option("hw-models", {
        type: "string",
        default: "systolic,flops",
        describe: `cost models, comma-separated: ${searchModelNames.join(", ")}`,
      })
      .option("seeds", { type: "string", default: "0", describe: "seeds, comma-separated" })
      .option("preset", { type: "string", default: "paper", describe: presetNames.join(" | ") })
      .option("array", { type: "string", describe: "search array ROWSxCOLS (default: preset's)" })
      .option("beta", { type: "string", describe: "utilization weight β (default: preset's)" })
      .option("channels", { type: "string", describe: "channel options MIN:MAX:STEP" })
      .option("stacks", { type: "string", describe: "cells per stage (default: preset's)" })
      .option("backend", { type: "string", describe: "tfjs backend: tensorflow | wasm | cpu" })
      .option("space", { type: "string", describe: "search space JSON file" })
      .option("table", { type: "string", describe: "blackbox table (for the blackbox model)" })
      .option("workers", { type: "string", describe: "parallel tasks (default: the cores)" })
      .option("out", { type: "string", demandOption: true, describe: "output folder" })
      .option("resume", {
        type: "boolean",
        default: false,
        describe: "keep the tasks an earlier run finished in --out",
      })
      .option("json", { type: "boolean", default: false, describe: "the summary as JSON" })
      .example(
        "$0 pareto --data data/cifar10-mini --preset demo --lambdas 0.05,0.1,0.5 --hw-models systolic,flops --seeds 0,1 --out runs/pareto",
        "Fig. 5 and Table 4 in miniature",
      ),
  handler: async (args: ParetoArgs) => {
    const grid = gridOf(args);
    const spec = await studySpec(args, grid);
    const result = await runWithProgress(spec, args);
    const outputs = await writeStudyOutputs(result, args.out, spec.tasks[0].settings);
    reportRun(result, [resultsFile(args.out), ...outputs]);
    process.stdout.write(
      args.json ? `${JSON.stringify(paretoJson(result, args))}\n` : `${summaryText(result)}\n`,
    );
    // Tasks that failed twice are not an input problem, but the study is incomplete.
    if (result.failed > 0) process.exitCode = 1;
  },
};

function gridOf(args: ParetoArgs): ParetoGrid {
  const models = unique(listFlag(args["hw-models"]));
  if (models.length === 0) throw new InputError("--hw-models: give at least one cost model");
  for (const model of models) {
    if (!(searchModelNames as readonly string[]).includes(model)) {
      throw new InputError(
        `--hw-models: unknown cost model "${model}" (known: ${searchModelNames.join(", ")})`,
      );
    }
  }
  const lambdas = unique(
    listFlag(args.lambdas).map((item) => nonNegativeNumber(item, "--lambdas")),
  );
  if (lambdas.length === 0) throw new InputError("--lambdas: give at least one λ");
  const seeds = unique(listFlag(args.seeds).map((item) => seedOf(item)));
  if (seeds.length === 0) throw new InputError("--seeds: give at least one seed");
  return { models, lambdas, seeds };
}

/** Everything a task could trip on is checked here, so workers never see bad input. */
async function studySpec(args: ParetoArgs, grid: ParetoGrid) {
  const tasks = paretoTasks(grid, (model, lambda, seed) =>
    searchSettings({
      ...args,
      "hw-model": model,
      lambda: String(lambda),
      seed: String(seed),
    }),
  );
  if (grid.models.includes("blackbox") && args.table === undefined) {
    throw new InputError("--hw-models blackbox needs --table FILE (uboost blackbox build)");
  }
  if (args.table !== undefined) readBlackboxTable(args.table);
  if (args.backend !== undefined && !(backendNames as readonly string[]).includes(args.backend)) {
    throw new InputError(
      `--backend: unknown backend "${args.backend}" (known: ${backendNames.join(", ")})`,
    );
  }
  if (args.workers !== undefined) parsePositiveInteger(args.workers, "--workers");
  // Reads the files once to fail early on a wrong folder; the workers load their own copies.
  await loadCifar10(args.data, { validationFraction: 0.1, seed: 0 });
  return {
    grid,
    tasks,
    outDir: args.out,
    dataDir: args.data,
    space: args.space ? readSearchSpace(args.space) : uboostSpace,
    tablePath: args.table,
    backend: args.backend as BackendName | undefined,
  };
}

async function runWithProgress(
  spec: Awaited<ReturnType<typeof studySpec>>,
  args: ParetoArgs,
): Promise<ParetoResult> {
  const workers =
    args.workers === undefined ? defaultWorkers() : parsePositiveInteger(args.workers, "--workers");
  const bar = progressBar();
  // The bar is silent off a terminal: logs get a line per task instead.
  const log = !process.stderr.isTTY;
  const taskSeconds: number[] = [];
  let progress: ParetoProgress = { done: 0, running: 0, total: spec.tasks.length };
  process.stderr.write(
    `uboost pareto: ${spec.tasks.length} tasks (${spec.grid.models.length} models × ${spec.grid.lambdas.length} λ × ${spec.grid.seeds.length} seeds), ${workers} workers, preset ${args.preset}\n`,
  );
  try {
    return await runPareto(spec, {
      resume: args.resume,
      workers,
      onProgress: (next) => {
        progress = next;
        bar.update(next.done, next.total, `pareto: ${next.running} running`);
      },
      onTask: (record) => {
        if (record.seconds !== null) taskSeconds.push(record.seconds);
        if (log) process.stderr.write(`${taskLine(record, progress, taskSeconds, workers)}\n`);
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
  return `${task.model} λ=${task.lambda} seed ${task.seed}: ${figures} in ${record.seconds?.toFixed(0)} s; ${done}/${before.total} done, ETA ${etaMinutes.toFixed(1)} min`;
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

function summaryText(result: ParetoResult): string {
  const accuracy = accuracyRuntimeTable(result.summary);
  const volumes = hypervolumeTable(result.summary);
  return [
    renderTable(accuracy.head, accuracy.rows),
    "",
    renderTable(volumes.head, volumes.rows),
    `runtime: simulator on ${paperHardwareText}; hypervolume: area above each front up to 100% over [0, ${result.summary.boundUs.toFixed(1)} µs], lower is better`,
  ].join("\n");
}

function paretoJson(result: ParetoResult, args: ParetoArgs) {
  const { summary, resumed, ran, failed, seconds, records } = result;
  return {
    tasks: { total: records.length, resumed, ran, failed },
    seconds,
    out: args.out,
    boundUs: summary.boundUs,
    table: summary.table,
    models: summary.models,
    failed: records
      .filter((record) => record.status === "failed")
      .map((record) => ({ key: record.task.key, error: record.error })),
  };
}

function nonNegativeNumber(item: string, flag: string): number {
  const value = Number(item);
  if (!Number.isFinite(value) || value < 0) {
    throw new InputError(`${flag}: must be numbers >= 0 (got "${item}")`);
  }
  return value;
}

function seedOf(item: string): number {
  const value = /^\d+$/.test(item) ? Number(item) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    throw new InputError(`--seeds: must be integers >= 0 (got "${item}")`);
  }
  return value;
}

const unique = <T>(items: T[]) => [...new Set(items)];

/** A list flag given more than once (yargs then passes an array) adds up its lists. */
const listFlag = (value: string | string[]) => [value].flat().flatMap((item) => listOf(item));
