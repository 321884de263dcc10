import { totalmem } from "node:os";
import { basename, extname } from "node:path";
import type { Argv } from "yargs";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../files/atomicWrite.js";
import { checkOutputFile } from "../files/outputPath.js";
import { costModelNames } from "../hw/models/index.js";
import type { SimConfig } from "../hw/simulator/config.js";
import { readSearchSpace, uboostSpace } from "../model/space.js";
import { proxyPlotSpec } from "../plot/proxyPlots.js";
import { renderSvg } from "../plot/render.js";
import { checkSampleCounts } from "../proxy/adaSplit.js";
import { type Device, evaluateLatencies, type LatencyColumns } from "../proxy/evaluate.js";
import { defaultEvolution, type EvolutionSettings } from "../proxy/evolution.js";
import { minimumRows, readLatenciesFile } from "../proxy/latenciesFile.js";
import { defaultQuantiles, quantileOfConstraint } from "../proxy/oneProxy.js";
import {
  architectureFeatures,
  architectureId,
  cifarShape,
  decodeArchitectures,
  logParams,
  proxyLatencyFeatures,
  type SampleSpace,
  sampleArchitectures,
  studyBytesPerSample,
} from "../proxy/sample.js";
import { proxyStudy, type StudyResult } from "../proxy/study.js";
import { isSpaceName, spaceByName, spaceNames, spaces } from "../spaces/index.js";
import { type ArchSpace, spaceInput, spaceSize } from "../spaces/space.js";
import { parseArrayShape } from "./flags/arrayShape.js";
import { parseChannelRange } from "./flags/channels.js";
import {
  type HardwareArgs,
  parseBandwidth,
  parseBytes,
  parseMemory,
  withMemoryOptions,
} from "./flags/hardware.js";
import { nonEmptyList } from "./flags/lists.js";
import { positiveInteger, positiveNumber, seedOf, seedOption } from "./flags/numbers.js";
import { parseWorkers } from "./flags/workers.js";
import { count, renderTable } from "./format.js";
import { progressBar } from "./progress.js";
import {
  evolutionPick,
  type LatencyTable,
  publishedSpaceMeasured,
  publishedSpaceTable,
  spaceSummary,
} from "./proxyTable.js";

interface ProxyArgs extends Omit<HardwareArgs, "array"> {
  space: string;
  dataset?: string;
  samples?: string;
  devices?: string;
  model: string;
  workers?: string;
  channels?: string;
  batch?: string;
  resolution?: string;
  seed: string;
  search: string;
  population?: string;
  tournament?: string;
  budget?: string;
  latencies?: string;
  proxy?: string;
  constraints?: string;
  "score-column"?: string;
  adaproxy: boolean;
  "ada-samples"?: string;
  plot?: string;
  json: boolean;
}

const defaultDevices = "32x32,64x64,128x128,256x256,128x64";
const defaultAdaSamples = [5, 10, 20, 50];

export const proxyCommand = {
  command: "proxy",
  describe: "Latency rank correlation across accelerator configurations, one-proxy, AdaProxy",
  builder: (yargs: Argv) =>
    withMemoryOptions(yargs)
      .option("space", {
        type: "string",
        default: "builtin",
        describe: `builtin (U-Boost's cell), ${spaceNames.join(", ")}, or a U-Boost space FILE.json`,
      })
      .option("dataset", {
        type: "string",
        describe: `input of a published space (${datasetsHelp()})`,
      })
      .option("samples", {
        type: "string",
        describe: "architectures to sample (default 1000; nasbench201: all 15,625)",
      })
      .option("devices", {
        type: "string",
        describe: `ROWSxCOLS[@sram=4MB,bw=20,clock=0.5e9], comma-separated (default ${defaultDevices})`,
      })
      .option("model", {
        type: "string",
        default: "systolic",
        choices: costModelNames.filter((name) => name !== "blackbox"),
        describe: "cost model",
      })
      .option("workers", { type: "string", describe: "worker threads (default: the cores)" })
      .option("channels", {
        type: "string",
        describe: "builtin space: slot widths MIN:MAX:STEP (default 64:280:8)",
      })
      .option("batch", { type: "string", describe: "default 64 (builtin), 1 (published spaces)" })
      .option("resolution", {
        type: "string",
        describe: "builtin space: input height = width (default 32)",
      })
      .option("seed", seedOption)
      .option("latencies", {
        type: "string",
        describe: "measured latencies CSV: arch,<device>,…[,accuracy]",
      })
      .option("proxy", { type: "string", describe: "the proxy device (default: the first)" })
      .option("constraints", {
        type: "string",
        describe:
          "proxy latency limits in ms, comma-separated (default: its 10/25/50/75/90% quantiles)",
      })
      .option("score-column", {
        type: "string",
        describe: "with --latencies: the column to maximize",
      })
      .option("adaproxy", {
        type: "boolean",
        default: true,
        describe: "fit AdaProxy (--no-adaproxy skips)",
      })
      .option("ada-samples", {
        type: "string",
        describe: "target samples to adapt with (default 5,10,20,50)",
      })
      .option("search", {
        type: "string",
        default: "exhaustive",
        choices: ["exhaustive", "evolution"],
        describe: "how one-proxy picks under the proxy's limit (evolution: a published --space)",
      })
      .option("population", {
        type: "string",
        describe: `evolution: population size (default ${defaultEvolution.population})`,
      })
      .option("tournament", {
        type: "string",
        describe: `evolution: members per tournament (default ${defaultEvolution.tournament})`,
      })
      .option("budget", {
        type: "string",
        describe: `evolution: score evaluations (default ${defaultEvolution.budget})`,
      })
      .option("plot", { type: "string", describe: "FILE.svg: SRCC heatmap and AdaProxy curve" })
      .option("json", { type: "boolean", default: false, describe: "one JSON object on stdout" })
      .example("$0 proxy --samples 10000 --devices 32x32,128x128,256x256 --workers 2", "sampled")
      .example(
        "$0 proxy --space nasbench201 --devices 32x32,128x128,256x256",
        "all of NAS-Bench-201",
      )
      .example("$0 proxy --latencies measured.csv --proxy gpu0 --json", "measured latencies"),
  handler: async (args: ProxyArgs) => {
    if (args.plot !== undefined && extname(args.plot).toLowerCase() !== ".svg") {
      throw new InputError(`--plot ${args.plot}: expected an .svg file`);
    }
    if (args.plot !== undefined) checkOutputFile(args.plot, "--plot");
    const evolution = evolutionSettings(args);
    const table = args.latencies === undefined ? await sampledTable(args) : measuredTable(args);
    const samples = table.columns[0].length;
    const proxy = proxyIndex(args.proxy, table.devices);
    const pick = evolution && evolutionPick(table, proxy, evolution);
    const adaSamples = args.adaproxy ? adaSampleCounts(args["ada-samples"], samples) : [];
    const result = await proxyStudy(
      {
        devices: table.devices,
        columns: table.columns,
        proxy,
        score: table.score,
        pick,
        quantiles: quantilesOf(args.constraints, table.columns[proxy]),
        features: adaSamples.length > 0 ? table.features?.() : undefined,
        adaSamples,
        seed: seedOf(args.seed),
      },
      (stage) => process.stderr.write(`uboost proxy: ${stage}\n`),
    );
    if (args.plot !== undefined) {
      const title = `${table.model ?? "measured"} latency, ${count(samples)} architectures`;
      writeFileAtomic(args.plot, await renderSvg(proxyPlotSpec(table.devices, result, title)));
      process.stderr.write(`uboost proxy: plot written to ${args.plot}\n`);
    }
    const text = args.json
      ? JSON.stringify(proxyJson(table, proxy, adaSamples, result, evolution))
      : proxyTables(table, proxy, adaSamples, result, evolution);
    process.stdout.write(`${text}\n`);
  },
};

/** --search evolution's settings, checked before any evaluation; undefined: exhaustive. */
function evolutionSettings(args: ProxyArgs): EvolutionSettings | undefined {
  const flags = ["population", "tournament", "budget"] as const;
  if (args.search !== "evolution") {
    const given = flags.find((flag) => args[flag] !== undefined);
    if (given !== undefined) throw new InputError(`--${given}: needs --search evolution`);
    return undefined;
  }
  if (!isSpaceName(args.space)) {
    throw new InputError(
      `--search evolution: needs a published --space (${spaceNames.join(", ")})`,
    );
  }
  const [population, tournament, budget] = flags.map((flag) =>
    args[flag] === undefined ? defaultEvolution[flag] : positiveInteger(args[flag], `--${flag}`),
  );
  if (tournament > population) {
    throw new InputError(`--tournament: at most the population (${population}), got ${tournament}`);
  }
  return { population, tournament, budget, seed: seedOf(args.seed) };
}

async function sampledTable(args: ProxyArgs): Promise<LatencyTable> {
  if (args["score-column"] !== undefined) throw new InputError("--score-column needs --latencies");
  if (isSpaceName(args.space)) return publishedTable(args);
  const sample = sampleSpaceOf(args);
  const devices = parseDevices(args.devices ?? defaultDevices, parseMemory(args));
  const workers = parseWorkers(args.workers);
  const samples = positiveInteger(args.samples ?? "1000", "--samples");
  if (samples < minimumRows) {
    throw new InputError(
      `--samples: at least ${minimumRows} for a rank correlation (got ${samples})`,
    );
  }
  checkStudyFlags(
    args,
    devices.map((device) => device.label),
    samples,
  );
  checkStudyFits(samples, studyBytesPerSample(sample, devices.length, args.adaproxy));
  const archs = sampleArchitectures(sample, samples, seedOf(args.seed));
  const bar = progressBar();
  let columns: LatencyColumns;
  try {
    columns = await evaluateLatencies(sample, archs, devices, {
      model: args.model,
      workers,
      onProgress: (done, total) =>
        bar.update(done, total, `${args.model} latency on ${devices.length} devices`),
    });
  } finally {
    bar.stop();
  }
  return {
    devices: devices.map((device) => device.label),
    columns,
    model: args.model,
    idOf: (index) => architectureId(sample.space, archs, index),
    score: { name: "log-params", values: logParams(sample, archs) },
    features: () => architectureFeatures(sample, archs),
    featureKind: "architecture",
  };
}

/**
 * Measured rows whose ids decode as architectures of --space (the ids `uboost proxy --json`
 * prints) get architecture features and, without a score column, a log-params score; opaque ids
 * get the proxy's latency as their only feature, and no one-proxy without a score column.
 */
function measuredTable(args: ProxyArgs): LatencyTable {
  if (args.devices !== undefined)
    throw new InputError("--devices: the devices of --latencies are its columns");
  const measured = readLatenciesFile(args.latencies as string, args["score-column"]);
  if (isSpaceName(args.space)) {
    const space = publishedSpaceOf(args);
    const file = basename(args.latencies as string);
    return publishedSpaceMeasured(space, spaceInput(space, args.dataset), measured, file, "arch");
  }
  const sample = sampleSpaceOf(args);
  const archs = decodeArchitectures(sample, measured.ids);
  const score =
    measured.score ?? (archs && { column: "log-params", values: logParams(sample, archs) });
  return {
    devices: measured.devices,
    columns: measured.columns,
    model: null,
    idOf: (index) => measured.ids[index],
    score: score && { name: score.column, values: score.values },
    features: archs
      ? () => architectureFeatures(sample, archs)
      : () => proxyLatencyFeatures(measured.columns[proxyIndex(args.proxy, measured.devices)]),
    featureKind: archs ? "architecture" : "proxy latency",
  };
}

/**
 * A published space, evaluated by the cost model on every device: whole if it is small enough
 * (nasbench201), sampled otherwise.
 */
function publishedTable(args: ProxyArgs): LatencyTable {
  const space = publishedSpaceOf(args);
  const input = spaceInput(space, args.dataset);
  const devices = parseDevices(args.devices ?? defaultDevices, parseMemory(args));
  // checked, though one engine batch prices every distinct layer: nothing to spread over workers
  parseWorkers(args.workers);
  const samples =
    args.samples === undefined ? undefined : positiveInteger(args.samples, "--samples");
  if (samples !== undefined && samples < minimumRows) {
    throw new InputError(
      `--samples: at least ${minimumRows} for a rank correlation (got ${samples})`,
    );
  }
  const rows = space.exhaustive ? spaceSize(space) : (samples ?? 1000);
  checkStudyFlags(
    args,
    devices.map((device) => device.label),
    rows,
  );
  process.stderr.write(
    `uboost proxy: ${args.model} latency of ${count(rows)} ${space.name} architectures on ${devices.length} devices\n`,
  );
  return publishedSpaceTable(space, input, {
    samples,
    seed: seedOf(args.seed),
    batch: positiveInteger(args.batch ?? "1", "--batch"),
    devices,
    model: args.model,
  });
}

/** The flags of the U-Boost space do not apply to a published one, which fixes its own layout. */
function publishedSpaceOf(args: ProxyArgs): ArchSpace {
  const space = spaceByName(args.space);
  for (const flag of ["channels", "resolution"] as const) {
    if (args[flag] !== undefined) {
      throw new InputError(
        `--${flag}: ${space.name} fixes its own (choose its input with --dataset)`,
      );
    }
  }
  return space;
}

function datasetsHelp(): string {
  return spaceNames
    .map((name) => `${name}: ${spaces[name].inputs.map((input) => input.name).join("/")}`)
    .join("; ");
}

function sampleSpaceOf(args: ProxyArgs): SampleSpace {
  if (args.dataset !== undefined) {
    throw new InputError(`--dataset: only for a published --space (${spaceNames.join(", ")})`);
  }
  const space = args.space === "builtin" ? uboostSpace : readSearchSpace(args.space);
  const resolution = positiveInteger(args.resolution ?? "32", "--resolution");
  // three 2×2 pools follow the stages; a smaller input would pool to nothing
  if (resolution < 8) throw new InputError(`--resolution: must be at least 8 (got ${resolution})`);
  return {
    space,
    shape: { ...cifarShape, resolution },
    channels: parseChannelRange(args.channels ?? "64:280:8"),
    batch: positiveInteger(args.batch ?? "64", "--batch"),
  };
}

/**
 * "32x32,128x64@sram=4MB,bw=20,clock=0.5e9": a key=value item after an @ belongs to the device
 * before it, so overrides can use the same commas as the list. Unset fields come from
 * --sram/--bw/--clock.
 */
export function parseDevices(spec: string, base: SimConfig): Device[] {
  const specs: string[] = [];
  for (const item of spec.split(",").map((part) => part.trim())) {
    if (item === "") continue;
    if (/^\w+\s*=/.test(item) && specs.length > 0 && specs[specs.length - 1].includes("@")) {
      specs[specs.length - 1] += `,${item}`;
    } else specs.push(item);
  }
  const devices = specs.map((label) => ({ label, config: deviceConfig(label, base) }));
  if (devices.length < 2)
    throw new InputError(`--devices: give at least 2 devices (got "${spec}")`);
  devices.forEach((device, i) => {
    if (specs.indexOf(device.label) !== i)
      throw new InputError(`--devices: "${device.label}" is listed twice`);
  });
  return devices;
}

function deviceConfig(label: string, base: SimConfig): SimConfig {
  const [shape, overrides] = label.split("@");
  const flag = `--devices ${label}`;
  const array = parseArrayShape(shape, flag);
  const config = { ...base, arrayRows: array.rows, arrayCols: array.cols };
  for (const pair of (overrides ?? "").split(",").filter((part) => part.trim() !== "")) {
    const [key, value = ""] = pair.split("=").map((part) => part.trim());
    if (key === "sram") config.sramBytes = parseBytes(value, flag);
    else if (key === "bw") config.bandwidthBytesPerSec = parseBandwidth(value, flag);
    else if (key === "clock") config.clockHz = positiveNumber(value, flag);
    else throw new InputError(`${flag}: unknown setting "${key}" (known: sram, bw, clock)`);
  }
  return config;
}

/** Fails on flags the study reads before the evaluation, not after minutes of it. */
/**
 * Refuses a study that cannot fit in half this machine's memory, before it starts: --samples 1e9
 * would otherwise end in a RangeError from an array of 10¹⁰ elements.
 */
function checkStudyFits(samples: number, bytesPerSample: number): void {
  const fits = Math.floor(totalmem() / 2 / bytesPerSample);
  if (samples <= fits) return;
  const gib = (bytes: number) =>
    `${(bytes / 2 ** 30).toLocaleString("en-US", { maximumFractionDigits: 1 })} GiB`;
  throw new InputError(
    `--samples ${count(samples)}: needs about ${gib(samples * bytesPerSample)} of memory (this machine has ${gib(totalmem())}); at most ${count(fits)} samples fit`,
  );
}

function checkStudyFlags(args: ProxyArgs, devices: string[], samples: number): void {
  proxyIndex(args.proxy, devices);
  if (args.adaproxy) adaSampleCounts(args["ada-samples"], samples);
  if (args.constraints !== undefined) constraintLimits(args.constraints);
  seedOf(args.seed);
}

function proxyIndex(proxy: string | undefined, devices: string[]): number {
  if (proxy === undefined) return 0;
  const index = devices.indexOf(proxy.trim());
  if (index < 0)
    throw new InputError(`--proxy: "${proxy}" is not a device (devices: ${devices.join(", ")})`);
  return index;
}

/** ms limits on the proxy, as the share of architectures each admits there. */
function quantilesOf(constraints: string | undefined, proxyMs: Float64Array): number[] {
  if (constraints === undefined) return defaultQuantiles;
  return constraintLimits(constraints).map((limit) => quantileOfConstraint(proxyMs, limit));
}

const constraintLimits = (spec: string) =>
  nonEmptyList(spec, "--constraints", "latency limit", positiveNumber);

/** Explicit counts must fit; the defaults shrink to what a small table can hold. */
function adaSampleCounts(spec: string | undefined, samples: number): number[] {
  if (spec === undefined) return defaultAdaSamples.filter((k) => 2 * k <= samples);
  const counts = nonEmptyList(spec, "--ada-samples", "sample count", positiveInteger);
  checkSampleCounts(counts, samples);
  return counts;
}

function proxyJson(
  table: LatencyTable,
  proxy: number,
  adaSamples: number[],
  result: StudyResult,
  evolution: EvolutionSettings | undefined,
) {
  const label = (device: number) => table.devices[device];
  return {
    devices: table.devices,
    srcc: result.srcc,
    samples: table.columns[0].length,
    model: table.model,
    space: spaceSummary(table),
    proxy: label(proxy),
    oneProxy: result.oneProxy && {
      score: table.score?.name,
      search: evolution ? { method: "evolution", ...evolution } : { method: "exhaustive" },
      constraints: result.oneProxy.map((row) => ({
        quantile: row.quantile,
        proxyLimitMs: row.proxyConstraintMs,
        pick: table.idOf(row.chosen),
        pickScore: row.chosenScore,
        proxyBestScore: row.proxyOptimumScore,
        targets: row.targets.map((target) => ({
          device: label(target.device),
          limitMs: target.constraintMs,
          bestScore: target.optimumScore,
          loss: target.loss,
          pickFits: target.feasible,
        })),
      })),
    },
    adaProxy: result.adaProxy && {
      features: table.featureKind,
      samples: adaSamples,
      targets: result.adaProxy.map((target) => ({
        device: label(target.device),
        before: target.points[0].before,
        after: target.points.map((point) => point.after),
      })),
    },
  };
}

const fixed = (value: number, digits = 3) => (Number.isNaN(value) ? "-" : value.toFixed(digits));
const ms = (value: number) => `${value.toPrecision(4)} ms`;

function proxyTables(
  table: LatencyTable,
  proxy: number,
  adaSamples: number[],
  result: StudyResult,
  evolution: EvolutionSettings | undefined,
) {
  const samples = table.columns[0].length;
  const source = table.model === null ? "measured" : `${table.model} model`;
  const parts = [
    ...spaceLines(table),
    `SRCC of latency between devices (${source}, ${count(samples)} architectures)`,
    renderTable(
      ["device", ...table.devices],
      result.srcc.map((row, i) => [table.devices[i], ...row.map((value) => fixed(value))]),
    ),
  ];
  if (result.oneProxy !== undefined)
    parts.push("", ...oneProxyTable(table, proxy, result, evolution));
  else
    parts.push(
      "",
      "one-proxy: skipped (no score: add an accuracy column, or ids uboost can decode)",
    );
  if (result.adaProxy !== undefined)
    parts.push("", ...adaProxyTable(table, proxy, adaSamples, result));
  return parts.join("\n");
}

/** The space's size, MAC and parameter range, and its fastest and slowest row on each device. */
function spaceLines(table: LatencyTable): string[] {
  const summary = spaceSummary(table);
  if (summary === undefined) return [];
  const range = (span: { min: number; max: number }) => `${count(span.min)}–${count(span.max)}`;
  const rows = summary.extremes.map((each) => [
    each.device,
    each.fastest.arch,
    ms(each.fastest.ms),
    each.slowest.arch,
    ms(each.slowest.ms),
  ]);
  return [
    `${summary.space} (${summary.dataset}): ${count(summary.architectures)} architectures, MACs ${range(summary.macs)}, parameters ${range(summary.params)}`,
    renderTable(["device", "fastest", "latency", "slowest", "latency"], rows),
    "",
  ];
}

function oneProxyTable(
  table: LatencyTable,
  proxy: number,
  result: StudyResult,
  evolution: EvolutionSettings | undefined,
): string[] {
  const rows = (result.oneProxy ?? []).flatMap((row) =>
    row.targets.map((target) => [
      `${(row.quantile * 100).toFixed(1)}%`,
      ms(row.proxyConstraintMs),
      table.devices[target.device],
      ms(target.constraintMs),
      fixed(target.optimumScore),
      fixed(row.chosenScore),
      ...(evolution ? [fixed(row.proxyOptimumScore)] : []),
      fixed(target.loss),
      target.feasible ? "yes" : "no",
    ]),
  );
  const head = [
    "share",
    "proxy limit",
    "target",
    "target limit",
    "best",
    "pick",
    ...(evolution ? ["proxy best"] : []),
    "loss",
    "pick fits",
  ];
  const how = evolution
    ? `regularized evolution's best ${table.score?.name} in ${count(evolution.budget)} evaluations (proxy best: the exhaustive pick's)`
    : `the best ${table.score?.name}`;
  return [
    `One proxy (${table.devices[proxy]}): ${how} under the proxy's limit; loss = the target's own best − the pick`,
    renderTable(head, rows, 1),
  ];
}

function adaProxyTable(
  table: LatencyTable,
  proxy: number,
  adaSamples: number[],
  result: StudyResult,
) {
  const rows = (result.adaProxy ?? []).map((target) => [
    table.devices[target.device],
    fixed(target.points[0].before),
    ...target.points.map((point) => fixed(point.after)),
  ]);
  const heldOut = table.columns[0].length - Math.max(...adaSamples);
  return [
    `AdaProxy: SRCC of predicted vs true latency on ${count(heldOut)} held-out architectures, predictor trained on ${table.devices[proxy]} (${table.featureKind} features)`,
    renderTable(["target", "unadapted", ...adaSamples.map((k) => `${k} samples`)], rows),
  ];
}
