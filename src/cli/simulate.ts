import type { Argv } from "yargs";
import { InputError } from "../errors.js";
import type { SimConfig } from "../hw/simulator/config.js";
import { type SimNetworkResult, simulateNetwork } from "../hw/simulator/simulate.js";
import type { Layer } from "../layers/layer.js";
import type { ImportedNetwork } from "../layers/networkFile.js";
import { archLayers, readArchFile } from "../model/archFile.js";
import { type HardwareArgs, parseHardware, withHardwareOptions } from "./flags/hardware.js";
import { inputShapeOption, parseInputShape } from "./flags/inputShape.js";
import { readLayersFlag, readNetwork } from "./flags/network.js";
import { positiveInteger } from "./flags/numbers.js";
import { count, milliseconds, percent, renderTable, unsupportedLine } from "./format.js";

interface SimulateArgs extends HardwareArgs {
  net?: string;
  layers?: string;
  arch?: string;
  batch?: string;
  inputShape?: string;
  json: boolean;
}

export const simulateCommand = {
  command: "simulate",
  describe: "Cycle-level weight-stationary simulation: cycles, utilization, where PE-cycles go",
  builder: (yargs: Argv) =>
    withHardwareOptions(yargs)
      .option("net", { type: "string", describe: "zoo network name, layer file or .onnx model" })
      .option("layers", {
        type: "string",
        describe: "layer table (CSV with header, JSON array, SCALE-Sim topology) or ONNX model",
      })
      .option("arch", {
        type: "string",
        describe: "arch.json of a search (or the one a train run used): its final network",
      })
      .option("batch", {
        type: "string",
        describe: "batch for rows without one and zoo networks (default 64); an ONNX model's N",
      })
      .option("input-shape", inputShapeOption)
      .option("json", { type: "boolean", default: false, describe: "one JSON object on stdout" })
      .example("$0 simulate --net resnet50 --array 128x128", "ResNet-50 at batch 64")
      .example("$0 simulate --net vgg16 --sram unlimited --bw unlimited", "compute cycles only"),
  handler: (args: SimulateArgs) => {
    const hardware = parseHardware(args);
    const batch = positiveInteger(args.batch ?? "64", "--batch");
    const { layers, unsupported } = selectLayers(args, batch);
    const result = simulateNetwork(layers, hardware);
    const text = args.json
      ? JSON.stringify({
          ...simulateJson(layers, hardware, result),
          ...(unsupported && { unsupported }),
        })
      : simulateTable(layers, result, hardware) + unsupportedLine(unsupported);
    process.stdout.write(`${text}\n`);
  },
};

function selectLayers(args: SimulateArgs, batch: number): ImportedNetwork {
  const sources = [args.net, args.layers, args.arch].filter((source) => source !== undefined);
  if (sources.length !== 1) {
    throw new InputError("simulate: give exactly one of --net, --layers or --arch");
  }
  const given = { batch: args.batch, inputShape: parseInputShape(args.inputShape) };
  if (args.net !== undefined) return readNetwork(args.net, "--net", batch, given);
  if (args.layers !== undefined) return readLayersFlag(args.layers, batch, given);
  return { layers: archLayers(readArchFile(args.arch as string), batch) };
}

function simulateJson(layers: Layer[], hardware: SimConfig, result: SimNetworkResult) {
  return {
    array: [hardware.arrayRows, hardware.arrayCols],
    layers: result.layers.map((layer, i) => ({
      name: layers[i].name,
      type: layers[i].type,
      macs: layer.macs,
      cycles: layer.cycles,
      computeCycles: layer.computeCycles,
      util: layer.util,
      breakdown: layer.breakdown,
    })),
    total: result.total,
  };
}

/** Each breakdown column is that part's share of the layer's cycles × PEs. */
function simulateTable(layers: Layer[], result: SimNetworkResult, hardware: SimConfig): string {
  const pes = hardware.arrayRows * hardware.arrayCols;
  const rows = result.layers.map((layer, i) => {
    const peCycles = layer.cycles * pes;
    const share = (part: number) => (peCycles > 0 ? percent(part / peCycles) : "-");
    const { active, rowPadding, colPadding, fillDrain, weightLoad, memoryStall } = layer.breakdown;
    return [
      layers[i].name,
      layers[i].type,
      count(layer.macs),
      count(layer.cycles),
      percent(layer.util),
      share(active),
      share(rowPadding),
      share(colPadding),
      share(fillDrain),
      share(weightLoad),
      share(memoryStall),
    ];
  });
  const head = [
    "layer",
    "type",
    "MACs",
    "cycles",
    "util",
    "active",
    "row pad",
    "col pad",
    "fill/drain",
    "w-load",
    "mem stall",
  ];
  const { total } = result;
  const totals = `total: ${count(total.macs)} MACs, ${count(total.cycles)} cycles, ${milliseconds(total.runtimeMs)}, utilization ${percent(total.util)}`;
  return `${renderTable(head, rows, 2)}\n${totals}`;
}
