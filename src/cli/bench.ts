import type { Argv } from "yargs";
import { costModelNames } from "../hw/models/index.js";
import { spaceNames } from "../spaces/index.js";
import { backendNames } from "../train/backendNames.js";
import { benchFidelityCommand } from "./benchFidelity.js";
import { benchSearchCommand } from "./benchSearch.js";
import { listOf } from "./flags/lists.js";
import { positiveInteger, seedOf, seedOption } from "./flags/numbers.js";
import { parseWorkers } from "./flags/workers.js";
import { renderTable } from "./format.js";
import { progressBar } from "./progress.js";

interface BenchEngineArgs {
  n: string;
  seed: string;
  json: boolean;
}

const benchEngineCommand = {
  command: "engine",
  describe: "Configs/s of the WASM engine vs the TS reference vs tfjs tensor ops (one run)",
  builder: (yargs: Argv) =>
    yargs
      .option("n", { type: "string", default: "1000000", describe: "number of random configs" })
      .option("seed", seedOption)
      .option("json", { type: "boolean", default: false }),
  handler: async (args: BenchEngineArgs) => {
    const configs = positiveInteger(args.n, "--n");
    const seed = seedOf(args.seed);
    // Imported on demand: the benchmark pulls in tfjs, which other commands never need.
    const { benchEngine } = await import("../../bench/engine.js");
    const result = await benchEngine({
      configs,
      seed,
      onProgress: (stage: string, done: number, total: number) =>
        process.stderr.write(`\r${stage}: ${done}/${total}   `),
    });
    process.stderr.write("\n");
    if (args.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    const rate = (perSec: number) => Math.round(perSec).toLocaleString("en-US");
    const rows = [
      ["wasm", rate(result.wasm.configsPerSec), "1.0"],
      [
        "reference",
        rate(result.reference.configsPerSec),
        (result.wasm.configsPerSec / result.reference.configsPerSec).toFixed(1),
      ],
      [
        `tfjs (${result.tfjs.backend})`,
        rate(result.tfjs.configsPerSec),
        (result.wasm.configsPerSec / result.tfjs.configsPerSec).toFixed(1),
      ],
    ];
    process.stdout.write(`${renderTable(["engine", "configs/s", "wasm speed-up"], rows)}\n`);
  },
};

interface BenchSpacesArgs {
  space: string;
  samples: string;
  direct: string;
  model: string;
  json: boolean;
}

const benchSpacesCommand = {
  command: "spaces",
  describe: "Seconds to price a published space on 5 arrays, distinct layers vs each network's own",
  builder: (yargs: Argv) =>
    yargs
      .option("space", { type: "string", default: "nasbench201", choices: spaceNames })
      .option("samples", {
        type: "string",
        default: "10000",
        describe: "architectures of a sampled space",
      })
      .option("direct", {
        type: "string",
        default: "500",
        describe: "architectures the direct path prices (its rate is scaled)",
      })
      .option("model", {
        type: "string",
        default: "systolic",
        choices: costModelNames.filter((name) => name !== "blackbox"),
      })
      .option("json", { type: "boolean", default: false }),
  handler: async (args: BenchSpacesArgs) => {
    const { benchSpaces } = await import("../../bench/spaces.js");
    const result = benchSpaces({
      space: args.space,
      samples: positiveInteger(args.samples, "--samples"),
      directSample: positiveInteger(args.direct, "--direct"),
      model: args.model,
    });
    if (args.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    const rate = (perSec: number) => Math.round(perSec).toLocaleString("en-US");
    const rows = [
      ["distinct layers", rate(result.distinctPerSec), result.speedup.toFixed(1)],
      ["each network's layers", rate(result.directPerSec), "1.0"],
    ];
    process.stdout.write(
      `${result.space}: ${result.architectures.toLocaleString("en-US")} architectures × ${result.devices} devices (${result.model}) in ${result.seconds.toFixed(2)} s (layout ${result.layoutSeconds.toFixed(2)} s, pricing ${result.pricingSeconds.toFixed(3)} s); ${result.distinctLayers} distinct layers for ${result.layerReferences.toLocaleString("en-US")} layer references\n`,
    );
    process.stdout.write(`${renderTable(["path", "networks × devices / s", "speed-up"], rows)}\n`);
  },
};

interface BenchSweepArgs {
  rows: string;
  simRows: string;
  workers: string;
  workersSpeedup: boolean;
  repeats: string;
  model: string;
  json: boolean;
}

const benchSweepCommand = {
  command: "sweep",
  describe:
    "Rows/s of systolic and sim sweeps to Parquet and CSV beside the engine's configs/s (one run)",
  builder: (yargs: Argv) =>
    yargs
      .option("rows", {
        type: "string",
        default: "4194304",
        describe: "rows of the systolic one-layer family sweep",
      })
      .option("sim-rows", {
        type: "string",
        default: "20000",
        describe: "rows of the sim sweep (zoo networks × 81 arrays × batches)",
      })
      .option("workers", { type: "string", default: "2", describe: "worker threads" })
      .option("workers-speedup", {
        type: "boolean",
        default: false,
        describe:
          "instead: the sim sweep (--sim-rows, --model) with 1 and with 2 workers, and their ratio",
      })
      // Both timings include starting the pool; fitted over 8k and 20k rows, the 2-worker run
      // pays ≈ 0.45 s more fixed start-up, which at 8k rows pulls its speed-up from ≈ 1.9 to 1.65.
      .option("repeats", {
        type: "string",
        default: "2",
        describe: "--workers-speedup passes; the best of each counts",
      })
      .option("model", {
        type: "string",
        default: "sim",
        choices: costModelNames,
        describe: "--workers-speedup: cost model of the rows",
      })
      .option("json", { type: "boolean", default: false }),
  handler: async (args: BenchSweepArgs) => {
    if (args.workersSpeedup) return benchWorkers(args);
    const { benchFormats } = await import("../../bench/sweep.js");
    const bar = progressBar();
    const result = await benchFormats({
      systolicRows: positiveInteger(args.rows, "--rows"),
      simRows: positiveInteger(args.simRows, "--sim-rows"),
      workers: positiveInteger(args.workers, "--workers"),
      onProgress: (stage, done, total) => bar.update(done, total, `bench sweep, ${stage}`),
    }).finally(() => bar.stop());
    if (args.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    const rate = (perSec: number) => Math.round(perSec).toLocaleString("en-US");
    const table = result.runs.map((run) => [
      `${run.sweep}, ${result.workers} workers`,
      run.format,
      run.rows.toLocaleString("en-US"),
      run.seconds.toFixed(2),
      rate(run.rowsPerSec),
      rate(run.engineConfigsPerSec),
      run.engineRatio.toFixed(3),
      run.coresBusy.toFixed(2),
      run.cpuRatio.toFixed(3),
      `${(run.fileBytes / 2 ** 20).toFixed(1)} MiB`,
    ]);
    const head = [
      "run",
      "file",
      "rows",
      "seconds",
      "rows/s",
      "engine configs/s",
      "× engine",
      "cores busy",
      "× engine per CPU-s",
      "file size",
    ];
    process.stdout.write(`${renderTable(head, table, 0)}\n`);
    const [loadStart, loadEnd] = result.loadAverage.map((load) => load.toFixed(1));
    process.stdout.write(
      `${result.cores} cores, load average ${loadStart} at the start and ${loadEnd} at the end; ` +
        "engine: one thread's configs/s, measured right before each run; per CPU-s: rows per " +
        "CPU-second of the whole run over configs per CPU-second of the engine\n",
    );
  },
};

async function benchWorkers(args: BenchSweepArgs): Promise<void> {
  const rows = positiveInteger(args.simRows, "--sim-rows");
  const { benchSweep } = await import("../../bench/sweep.js");
  const bar = progressBar();
  const result = await benchSweep({
    rows,
    repeats: positiveInteger(args.repeats, "--repeats"),
    model: args.model,
    onProgress: (stage, done, total) => bar.update(done, total, `bench sweep, ${stage}`),
  }).finally(() => bar.stop());
  if (args.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const table = result.runs.map((run) => [
    run.workers,
    run.seconds.toFixed(2),
    Math.round(run.rowsPerSec).toLocaleString("en-US"),
    (run.rowsPerSec / result.runs[0].rowsPerSec).toFixed(2),
    run.coresBusy.toFixed(2),
  ]);
  const head = ["workers", "seconds", "rows/s", "speed-up", "cores busy"];
  process.stdout.write(`${renderTable(head, table, 0)}\n`);
  process.stdout.write(`${result.rows} rows, model ${result.model}, ${result.cores} cores\n`);
}

interface BenchTrainArgs {
  backends?: string[];
  steps: string;
  rounds: string;
  workers?: string;
  againstTorch: boolean;
  json: boolean;
}

const benchTrainCommand = {
  command: "train",
  describe:
    "Images/s and GFLOP/s of a training step on every tfjs backend, beside its conv ceiling; with --workers also data-parallel (lockstep, and independent ranks as the machine's ceiling), with --against-torch beside PyTorch",
  builder: (yargs: Argv) =>
    yargs
      .option("backends", {
        type: "string",
        array: true,
        choices: backendNames,
        coerce: (value: string | string[]) => listOf(value, "--backends"),
        describe: "comma-separated (default: all that load)",
      })
      .option("steps", { type: "string", default: "3", describe: "timed steps per network" })
      .option("rounds", {
        type: "string",
        default: "3",
        describe:
          "rounds of one thread, then the workers, back to back; figures are the medians over rounds",
      })
      .option("workers", {
        type: "string",
        describe: "also train both networks data-parallel on this many worker threads",
      })
      .option("against-torch", {
        type: "boolean",
        default: false,
        describe:
          "also time the same networks in PyTorch (bench/anchors/torch_train.py) at 1 and --workers threads",
      })
      .option("json", { type: "boolean", default: false }),
  handler: async (args: BenchTrainArgs) => {
    const steps = positiveInteger(args.steps, "--steps");
    const rounds = positiveInteger(args.rounds, "--rounds");
    const workers = args.workers === undefined ? undefined : parseWorkers(args.workers);
    const { benchTrain } = await import("../../bench/train.js");
    const bar = progressBar();
    const result = await benchTrain({
      backends: args.backends,
      steps,
      rounds,
      workers,
      againstTorch: args.againstTorch,
      onProgress: (stage, done, total) => bar.update(done, total, `bench train, ${stage}`),
    }).finally(() => bar.stop());
    if (args.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    const rows = Object.entries(result.backends).map(([name, r]) => [
      name,
      r.batch,
      r.imagesPerSec.toFixed(1),
      r.gflops.toFixed(2),
      r.convCeilingGflops.toFixed(2),
      `${((r.gflops / r.convCeilingGflops) * 100).toFixed(0)}%`,
      r.mixedImagesPerSec?.toFixed(1) ?? "-",
    ]);
    const head = [
      "backend",
      "batch",
      "images/s (a)",
      "GFLOP/s (a)",
      "conv ceiling",
      "of ceiling",
      "images/s (b)",
    ];
    process.stdout.write(`${renderTable(head, rows)}\n`);
    const speedHead = [
      "run",
      "images/s (a)",
      "images/s (b)",
      "× 1 thread (a / b)",
      "lockstep ÷ independent (a / b)",
      "uboost ÷ PyTorch (a)",
      "uboost ÷ PyTorch (b)",
      "step (a): forward / combine",
    ];
    process.stdout.write(`${renderTable(speedHead, speedRows(result))}\n`);
    const notes = [`uboost figures: medians over ${rounds} round${rounds === 1 ? "" : "s"}`];
    if (workers !== undefined) {
      notes.push(
        "each round times one thread, the workers in lockstep and the same workers independent (never combining: the machine's data-parallel ceiling) back to back",
        "× 1 thread: the median over rounds of the round's own ratio",
      );
    }
    process.stdout.write(`${notes.join("; ")}\n`);
  },
};

type TrainBenchResult = Awaited<ReturnType<typeof import("../../bench/train.js").benchTrain>>;

/** One- and N-thread figures of uboost and PyTorch side by side, with their ratios. */
function speedRows(result: TrainBenchResult): (string | number)[][] {
  const rate = (value: number | undefined) => (value === undefined ? "-" : value.toFixed(1));
  const ratio = (value: number | undefined) =>
    value === undefined || Number.isNaN(value) ? "-" : `${value.toFixed(2)}×`;
  const pair = (ratios: { plain: number; mixed: number }) =>
    `${ratios.plain.toFixed(2)} / ${ratios.mixed.toFixed(2)}`;
  const share = (step: { forward: number; combine: number }) =>
    `${(step.forward * 100).toFixed(0)}% / ${(step.combine * 100).toFixed(0)}%`;
  const rows: (string | number)[][] = [];
  for (const [name, r] of Object.entries(result.backends)) {
    const compared = result.torch?.ratios[name];
    rows.push([
      `uboost ${name}, 1 thread`,
      rate(r.imagesPerSec),
      rate(r.mixedImagesPerSec),
      "1.00 / 1.00",
      "-",
      ratio(compared?.plain["1"]),
      ratio(compared?.mixed["1"]),
      share(r.step),
    ]);
    if (r.parallel) {
      const { workers, independent } = r.parallel;
      const key = String(workers);
      rows.push([
        `uboost ${name}, ${workers} workers`,
        rate(r.parallel.imagesPerSec),
        rate(r.parallel.mixedImagesPerSec),
        pair(r.parallel.scaling),
        pair(r.parallel.efficiency),
        ratio(compared?.plain[key]),
        ratio(compared?.mixed[key]),
        share(r.parallel.step),
      ]);
      rows.push([
        `uboost ${name}, ${workers} workers independent`,
        rate(independent.imagesPerSec),
        rate(independent.mixedImagesPerSec),
        pair(independent.scaling),
        "1.00 / 1.00",
        "-",
        "-",
        "-",
      ]);
    }
  }
  if (result.torch) {
    for (const threads of Object.keys(result.torch.networks.plain.imagesPerSec)) {
      rows.push([
        `PyTorch ${result.torch.torch}, ${threads} thread${threads === "1" ? "" : "s"}`,
        rate(result.torch.networks.plain.imagesPerSec[threads]),
        rate(result.torch.networks.mixed.imagesPerSec[threads]),
        "-",
        "-",
        "1.00×",
        "1.00×",
        "-",
      ]);
    }
  }
  return rows;
}

export const benchCommand = {
  command: "bench",
  describe: "Microbenchmarks (JSON with --json)",
  builder: (yargs: Argv) =>
    yargs
      .command(benchEngineCommand)
      .command(benchSweepCommand)
      .command(benchSpacesCommand)
      .command(benchTrainCommand)
      .command(benchSearchCommand)
      .command(benchFidelityCommand)
      .demandCommand(1),
  handler: () => {},
};
