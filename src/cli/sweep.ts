import { extname } from "node:path";
import type { Argv } from "yargs";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../files/atomicWrite.js";
import { checkOutputFile } from "../files/outputPath.js";
import { costModelNames } from "../hw/models/index.js";
import { readNetworkFile } from "../layers/networkFile.js";
import { renderSvg } from "../plot/render.js";
import { sweepPlotSpec } from "../plot/sweepPlots.js";
import { spaceByName, spaceNames } from "../spaces/index.js";
import { spaceInput } from "../spaces/space.js";
import { isPlottable } from "../sweep/curves.js";
import { parseFamily } from "../sweep/family.js";
import type { SweepNetwork, SweepSpec } from "../sweep/grid.js";
import { runSweep, type SweepResult } from "../sweep/run.js";
import { archNetworks, readArchTexts, sampledArchNetworks } from "../sweep/spaceArchs.js";
import { type HardwareArgs, parseMemory, withMemoryOptions } from "./flags/hardware.js";
import { inputShapeOption, parseInputShape } from "./flags/inputShape.js";
import { arrayShapeList, listOf, positiveIntegerList } from "./flags/lists.js";
import { networkSource } from "./flags/network.js";
import { positiveInteger, seedOf, seedOption } from "./flags/numbers.js";
import { parseWorkers } from "./flags/workers.js";
import { count, milliseconds, percent, renderTable, unsupportedLine } from "./format.js";
import { progressBar } from "./progress.js";

interface SweepArgs extends Omit<HardwareArgs, "array"> {
  nets?: string;
  inputShape?: string;
  family?: string[];
  space?: string;
  arch?: string[];
  archs?: string;
  samples?: string;
  seed: string;
  dataset?: string;
  arrays: string;
  batches: string;
  model: string;
  table?: string;
  workers?: string;
  out?: string;
  resume: boolean;
  plot?: string;
  json: boolean;
}

export const sweepCommand = {
  command: "sweep",
  describe: "Cost networks × array shapes × batch sizes on a worker pool, streaming rows to a file",
  builder: (yargs: Argv) =>
    withMemoryOptions(yargs)
      .option("nets", {
        type: "string",
        describe: "zoo networks, layer files and .onnx models, comma-separated",
      })
      .option("input-shape", inputShapeOption)
      .option("family", {
        type: "string",
        array: true,
        describe:
          "one-layer networks over the cross product of ranges and lists, e.g. " +
          "conv:k=1|3,c=8..512:8,f=8..512:8,h=32,w=32 (repeatable; members in the order the " +
          "fields are written, the last fastest)",
      })
      .option("space", {
        type: "string",
        choices: spaceNames,
        describe:
          "a published search space: each of its architectures (--arch, --archs, --samples) a network",
      })
      .option("arch", {
        type: "string",
        array: true,
        describe: "with --space: an architecture string (repeatable)",
      })
      .option("archs", {
        type: "string",
        describe: "with --space: FILE of architecture strings, one a line or a CSV arch column",
      })
      .option("samples", {
        type: "string",
        describe: "with --space: N distinct architectures drawn by --seed, or all (nasbench201)",
      })
      .option("seed", seedOption)
      .option("dataset", { type: "string", describe: "with --space: the space's input" })
      .option("arrays", {
        type: "string",
        default: "8x8,16x16,32x32,64x64,128x128,256x256",
        describe: "array shapes ROWSxCOLS, comma-separated",
      })
      .option("batches", { type: "string", default: "1", describe: "batch sizes, comma-separated" })
      .option("model", {
        type: "string",
        default: "systolic",
        choices: costModelNames,
        describe: "cost model",
      })
      .option("table", { type: "string", describe: "blackbox table for --model blackbox" })
      .option("workers", { type: "string", describe: "worker threads (default: the cores)" })
      .option("out", {
        type: "string",
        describe: "rows to FILE.parquet, FILE.csv or FILE.jsonl as they finish",
      })
      .option("resume", {
        type: "boolean",
        default: false,
        describe: "keep the rows already in --out",
      })
      .option("plot", {
        type: "string",
        describe: "FILE.svg: a family's curves (one range) or heatmap (two), or networks × arrays",
      })
      .option("json", {
        type: "boolean",
        default: false,
        describe: "the summary as JSON on stdout",
      })
      .example(
        "$0 sweep --nets resnet18,mobilenetv2 --arrays 32x32,128x128,128x64 --batches 1,64 --out rows.csv",
        "zoo networks over array shapes",
      )
      .example(
        "$0 sweep --family conv:k=3,c=128,f=8..512,h=32,w=32 --arrays 128x128 --plot fig4.svg",
        "the paper's Fig. 4",
      )
      .example(
        "$0 sweep --family conv:k=3,c=8..512:8,f=8..512:8,h=32,w=32 --arrays 128x128 --out cf.parquet --plot cf.svg",
        "utilization over input × output channels, as Parquet and a heatmap",
      )
      .example(
        "$0 sweep --space nasbench201 --samples all --arrays 32x32,128x128 --out nb201.parquet",
        "every NAS-Bench-201 cell over array shapes, rows keyed by architecture string",
      ),
  handler: async (args: SweepArgs) => {
    const spec = sweepSpecOf(args);
    const workers = parseWorkers(args.workers);
    if (args.resume && args.out === undefined) throw new InputError("--resume needs --out FILE");
    if (args.plot !== undefined) checkPlot(args.plot, spec);
    if (args.out !== undefined) checkOutputFile(args.out, "--out");
    if (args.plot !== undefined) checkOutputFile(args.plot, "--plot");
    noteUnsupported(spec);
    const bar = progressBar();
    let result: SweepResult;
    try {
      result = await runSweep(spec, {
        out: args.out,
        resume: args.resume,
        workers,
        curves: args.plot !== undefined,
        onProgress: ({ done, total }) => bar.update(done, total, "sweep"),
      });
    } finally {
      bar.stop();
    }
    if (args.plot !== undefined)
      writeFileAtomic(args.plot, await renderSvg(sweepPlotSpec(result, spec.model)));
    reportRun(result, args);
    const text = args.json ? JSON.stringify(sweepJson(result, args)) : summaryTable(result, spec);
    process.stdout.write(`${text}\n`);
    // Rows that failed twice are not an input problem, but the run did not finish.
    if (result.failedRows > 0) process.exitCode = 1;
  },
};

function sweepSpecOf(args: SweepArgs): SweepSpec {
  const inputShape = parseInputShape(args.inputShape);
  const networks: SweepNetwork[] = [
    ...listOf(args.nets, "--nets").map((spec) => networkOf(spec, inputShape)),
    ...(args.family ?? []).map(familyOf),
    ...spaceNetworks(args),
  ];
  return {
    networks,
    arrays: arrayShapeList(args.arrays, "--arrays"),
    batches: positiveIntegerList(args.batches, "--batches"),
    model: args.model,
    hardware: parseMemory(args),
    tablePath: args.table,
  };
}

/** --input-shape applies to every ONNX model of --nets (their N is each row's batch). */
function networkOf(spec: string, inputShape: number[] | undefined): SweepNetwork {
  const source = networkSource(spec, "--nets");
  return source.kind === "file" && inputShape ? { ...source, inputShape } : source;
}

/** An ONNX model's ops the cost models cannot represent, named once on stderr. */
function noteUnsupported(spec: SweepSpec): void {
  for (const network of spec.networks) {
    if (network.kind !== "file") continue;
    const { path, inputShape } = network;
    const options = { batch: spec.batches[0], batchGiven: true, inputShape };
    const line = unsupportedLine(readNetworkFile(path, options).unsupported);
    if (line !== "") process.stderr.write(`note: ${path}: ${line.trim()}\n`);
  }
}

/** The architectures of --space, from exactly one of --arch, --archs and --samples. */
function spaceNetworks(args: SweepArgs): SweepNetwork[] {
  const given = (["arch", "archs", "samples", "dataset"] as const).filter(
    (flag) => args[flag] !== undefined,
  );
  if (args.space === undefined) {
    if (given.length > 0) throw new InputError(`--${given[0]}: only with --space`);
    return [];
  }
  const space = spaceByName(args.space);
  const input = spaceInput(space, args.dataset);
  const sources = given.filter((flag) => flag !== "dataset");
  if (sources.length !== 1) {
    throw new InputError("--space: give exactly one of --arch, --archs or --samples");
  }
  if (args.samples !== undefined) {
    const samples = args.samples === "all" ? "all" : positiveInteger(args.samples, "--samples");
    return sampledArchNetworks(space, input, samples, seedOf(args.seed));
  }
  const texts =
    args.archs !== undefined
      ? readArchTexts(args.archs)
      : (args.arch ?? []).map((text, i) => ({ text, where: `--arch ${i + 1}` }));
  return archNetworks(space, input, texts);
}

function familyOf(spec: string): SweepNetwork {
  return { kind: "family", family: parseFamily(spec) };
}

/** A family is drawn over one or two ranges; more would need a plot per slice. */
function checkPlot(plot: string, spec: SweepSpec): void {
  if (extname(plot).toLowerCase() !== ".svg") {
    throw new InputError(`--plot ${plot}: expected an .svg file`);
  }
  for (const network of spec.networks) {
    if (network.kind === "family" && !isPlottable(network.family)) {
      throw new InputError(
        `--plot: family "${network.family.label}" varies more than two fields (a plot draws one or two)`,
      );
    }
  }
}

function reportRun(result: SweepResult, args: SweepArgs): void {
  const rate = result.costedRows / Math.max(result.seconds, 1e-9);
  const resumed =
    result.resumedRows > 0 ? `, ${count(result.resumedRows)} kept from ${args.out}` : "";
  const out = args.out === undefined ? "" : ` → ${args.out}`;
  process.stderr.write(
    `${count(result.costedRows)} rows in ${result.seconds.toFixed(1)} s (${count(rate)} rows/s)${resumed}${out}\n`,
  );
  if (result.failedRows === 0) return;
  const [first] = result.failed;
  process.stderr.write(
    `${count(result.failedRows)} rows failed twice (first: rows ${first.start}..${first.end - 1}, ${first.error}); ` +
      "run again with --resume to retry them\n",
  );
}

function sweepJson(result: SweepResult, args: SweepArgs) {
  const { totalRows, resumedRows, costedRows, failedRows, failed, seconds, summary } = result;
  return {
    rows: { total: totalRows, resumed: resumedRows, costed: costedRows, failed: failedRows },
    seconds,
    rowsPerSec: costedRows / Math.max(seconds, 1e-9),
    out: args.out ?? null,
    failed,
    summary,
  };
}

/** A network (a family: all its members) per line, its utilization on each array, the fastest array. */
function summaryTable(result: SweepResult, spec: SweepSpec): string {
  const arrays = spec.arrays.map(({ rows, cols }) => `${rows}x${cols}`);
  const lines = new Map<string, (string | number)[]>();
  for (const entry of result.summary.entries) {
    const key = `${entry.network}\n${entry.batch}`;
    const line = lines.get(key) ?? [entry.network, entry.batch, ...arrays.map(() => "-"), "-", "-"];
    line[2 + arrays.indexOf(entry.array)] = percent(entry.util);
    lines.set(key, line);
  }
  for (const best of result.summary.best) {
    const line = lines.get(`${best.network}\n${best.batch}`);
    if (line === undefined) continue;
    line[2 + arrays.length] = best.array;
    line[3 + arrays.length] = milliseconds(best.runtimeMs);
  }
  const head = ["network", "batch", ...arrays, "fastest", "runtime"];
  const note = "utilization ΣMACs / (Σcycles · PEs) per array; fastest: least runtime";
  return `${renderTable(head, [...lines.values()])}\n${note}`;
}
