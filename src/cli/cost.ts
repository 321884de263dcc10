import { existsSync } from "node:fs";
import type { Argv } from "yargs";
import { networkTotal } from "../engine/network.js";
import { type SmoothCeilParams, uncappedSmoothCeil } from "../engine/smoothCeilParams.js";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../files/atomicWrite.js";
import { checkOutputFile } from "../files/outputPath.js";
import { readBlackboxTable } from "../hw/blackbox/tableFile.js";
import type { EngineEstimate, LayerEstimate } from "../hw/costModel.js";
import { costModelByName, costModelNames, modelContext } from "../hw/models/index.js";
import type { SimConfig } from "../hw/simulator/config.js";
import { type Layer, layerTypeNames } from "../layers/layer.js";
import type { ImportedNetwork } from "../layers/networkFile.js";
import { topologyCsv } from "../layers/topology.js";
import { validateLayer } from "../layers/validate.js";
import { archLayers, readArchFile } from "../model/archFile.js";
import { spaceByName, spaceNames } from "../spaces/index.js";
import { spaceInput } from "../spaces/space.js";
import { type HardwareArgs, parseHardware, withHardwareOptions } from "./flags/hardware.js";
import { inputShapeOption, parseInputShape } from "./flags/inputShape.js";
import { readLayersFlag, readNetwork } from "./flags/network.js";
import { positiveInteger } from "./flags/numbers.js";
import { count, milliseconds, percent, renderTable, unsupportedLine } from "./format.js";

const layerFlags = ["type", "k1", "k2", "c", "f", "h", "w", "stride", "dilation"] as const;

interface CostArgs extends HardwareArgs {
  layers?: string;
  net?: string;
  space?: string;
  arch?: string;
  dataset?: string;
  type?: string;
  k?: string;
  k1?: string;
  k2?: string;
  c?: string;
  f?: string;
  h?: string;
  w?: string;
  stride?: string;
  dilation?: string;
  batch?: string;
  inputShape?: string;
  model: string;
  table?: string;
  smoothTerms: string;
  exportTopology?: string;
  json: boolean;
}

export const costCommand = {
  command: "cost",
  describe: "Cycles, utilization and smooth-model gradients of layers on a systolic array",
  builder: (yargs: Argv) =>
    withHardwareOptions(yargs)
      .option("layers", {
        type: "string",
        describe: "layer table (CSV with header, JSON array, SCALE-Sim topology) or ONNX model",
      })
      .option("net", { type: "string", describe: "zoo network name, layer file or .onnx model" })
      .option("space", {
        type: "string",
        choices: spaceNames,
        describe: "with --arch: the published search space",
      })
      .option("arch", {
        type: "string",
        describe:
          "an architecture string of --space; without --space, a uboost search's arch.json (its final network)",
      })
      .option("dataset", { type: "string", describe: "with --arch: the space's input" })
      .option("type", {
        type: "string",
        choices: layerTypeNames,
        describe: "single layer: its type",
      })
      .option("k", { type: "string", describe: "single layer: square kernel size (k1 = k2)" })
      .option("k1", { type: "string" })
      .option("k2", { type: "string" })
      .option("c", { type: "string", describe: "single layer: input channels" })
      .option("f", { type: "string", describe: "single layer: output channels" })
      .option("h", { type: "string", describe: "single layer: output height" })
      .option("w", { type: "string", describe: "single layer: output width" })
      .option("stride", { type: "string" })
      .option("dilation", { type: "string" })
      .option("batch", {
        type: "string",
        describe: "batch for rows without one and zoo networks (default 1); an ONNX model's N",
      })
      .option("input-shape", inputShapeOption)
      .option("model", {
        type: "string",
        default: "systolic",
        choices: costModelNames,
        describe: "cost model",
      })
      .option("table", { type: "string", describe: "blackbox table for --model blackbox" })
      .option("smooth-terms", {
        type: "string",
        default: "all",
        describe: "steps N of the smooth ceiling: all, or 300 as in the authors' code",
      })
      .option("export-topology", {
        type: "string",
        describe: "also write the layers as a SCALE-Sim topology CSV to FILE",
      })
      .option("json", { type: "boolean", default: false, describe: "one JSON object on stdout" })
      .example("$0 cost --net resnet50 --array 128x128", "per-layer cost of ResNet-50")
      .example("$0 cost --type conv --k 3 --c 128 --f 256 --h 32 --w 32", "one layer")
      .example("$0 cost --net mobilenetv2 --model roofline --bw 20", "another cost model")
      .example(
        "$0 cost --space nasbench201 --arch '|nor_conv_3x3~0|+|none~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|avg_pool_3x3~2|'",
        "a NAS-Bench-201 cell's network",
      )
      .example("$0 cost --net model.onnx --input-shape 1x3x224x224", "an ONNX model")
      .example("$0 cost --net model.onnx --export-topology model.csv", "a SCALE-Sim topology"),
  handler: (args: CostArgs) => {
    const hardware = parseHardware(args);
    const model = costModelByName(args.model);
    const { layers, unsupported } = selectLayers(
      args,
      positiveInteger(args.batch ?? "1", "--batch"),
    );
    const blackboxTable = args.table === undefined ? undefined : readBlackboxTable(args.table);
    const smooth = parseSmoothTerms(args.smoothTerms);
    if (args.exportTopology !== undefined)
      checkOutputFile(args.exportTopology, "--export-topology");
    const estimates = model.estimate(layers, hardware, modelContext({ blackboxTable, smooth }));
    const text = args.json
      ? JSON.stringify({
          ...costJson(layers, hardware, estimates),
          ...(unsupported && { unsupported }),
        })
      : costTable(layers, hardware, estimates) + unsupportedLine(unsupported);
    if (args.exportTopology !== undefined)
      writeFileAtomic(args.exportTopology, topologyCsv(layers));
    process.stdout.write(`${text}\n`);
  },
};

/** "all" counts every step (no saturation); a number caps S at N steps as the authors' code does. */
function parseSmoothTerms(value: string): SmoothCeilParams {
  if (value === "all") return uncappedSmoothCeil;
  return { ...uncappedSmoothCeil, terms: positiveInteger(value, "--smooth-terms") };
}

function selectLayers(args: CostArgs, batch: number): ImportedNetwork {
  const sources = [args.layers, args.net, args.arch, args.type].filter(
    (source) => source !== undefined,
  );
  if (sources.length !== 1)
    throw new InputError("cost: give exactly one of --layers, --net, --arch or --type");
  if ((args.space !== undefined || args.dataset !== undefined) && args.arch === undefined) {
    throw new InputError(`${args.space !== undefined ? "--space" : "--dataset"}: only with --arch`);
  }
  const given = { batch: args.batch, inputShape: parseInputShape(args.inputShape) };
  if (args.layers !== undefined) return readLayersFlag(args.layers, batch, given);
  if (args.net !== undefined) return readNetwork(args.net, "--net", batch, given);
  if (args.arch !== undefined) {
    // Without --space, --arch names a uboost search's arch.json.
    if (args.space === undefined && existsSync(args.arch)) {
      return { layers: archLayers(readArchFile(args.arch), batch) };
    }
    return { layers: architectureLayers(args, args.arch, batch) };
  }
  const raw: Record<string, unknown> = { name: args.type };
  for (const flag of layerFlags) if (args[flag] !== undefined) raw[flag] = args[flag];
  if (args.k !== undefined) {
    raw.k1 ??= args.k;
    raw.k2 ??= args.k;
  }
  return { layers: [validateLayer(raw, "command line", batch)] };
}

/** A published space's architecture as the layers its network runs. */
function architectureLayers(args: CostArgs, arch: string, batch: number): Layer[] {
  if (args.space === undefined) {
    throw new InputError(
      `--arch: needs --space (${spaceNames.join(", ")}) for an architecture string; no arch.json file "${arch}"`,
    );
  }
  const space = spaceByName(args.space);
  const input = spaceInput(space, args.dataset);
  try {
    return space.layersOf(space.parse(arch), input, batch);
  } catch (error) {
    if (error instanceof InputError) throw new InputError(`--arch: ${error.message}`);
    throw error;
  }
}

function totalOf(estimates: LayerEstimate[], hardware: SimConfig) {
  const array = { rows: hardware.arrayRows, cols: hardware.arrayCols };
  return networkTotal(estimates, array, hardware.clockHz);
}

function smoothOf(estimate: LayerEstimate) {
  const engine = (estimate as Partial<EngineEstimate>).engine;
  if (engine === undefined) return {};
  const { smoothCycles, smoothUtil, dCyclesDc, dCyclesDf, dUtilDc, dUtilDf } = engine;
  return {
    smooth: { cycles: smoothCycles, util: smoothUtil, dCyclesDc, dCyclesDf, dUtilDc, dUtilDf },
  };
}

/** The "smooth" block is there for the engine's models, which compute it. */
function costJson(layers: Layer[], hardware: SimConfig, estimates: LayerEstimate[]) {
  return {
    array: [hardware.arrayRows, hardware.arrayCols],
    layers: estimates.map((estimate, i) => ({
      name: layers[i].name,
      type: layers[i].type,
      macs: estimate.macs,
      cycles: estimate.cycles,
      util: estimate.util,
      ...smoothOf(estimate),
    })),
    total: totalOf(estimates, hardware),
  };
}

function costTable(layers: Layer[], hardware: SimConfig, estimates: LayerEstimate[]): string {
  const hasSmooth = estimates.some((estimate) => "engine" in estimate);
  const rows = estimates.map((estimate, i) => {
    const { name, type, k1, k2, c, f, h, w, batch } = layers[i];
    const row = [name, type, `${k1}x${k2}`, c, f, `${h}x${w}`, batch];
    row.push(count(estimate.macs), count(estimate.cycles), percent(estimate.util));
    if (hasSmooth) row.push(percent((estimate as EngineEstimate).engine.smoothUtil));
    return row;
  });
  const head = ["layer", "type", "k", "c", "f", "out", "batch", "MACs", "cycles", "util"];
  if (hasSmooth) head.push("smooth util");
  const total = totalOf(estimates, hardware);
  const totals = `total: ${count(total.macs)} MACs, ${count(total.cycles)} cycles, ${milliseconds(total.runtimeMs)}, utilization ${percent(total.util)}`;
  return `${renderTable(head, rows, 2)}\n${totals}`;
}
