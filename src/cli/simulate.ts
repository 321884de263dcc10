import type { Argv } from "yargs";
import { InputError } from "../errors.js";
import type { SimConfig } from "../hw/simulator/config.js";
import { type SimNetworkResult, simulateNetwork } from "../hw/simulator/simulate.js";
import type { Layer } from "../layers/layer.js";
import { readLayersFile } from "../layers/readLayers.js";
import { type HardwareArgs, parseHardware, withHardwareOptions } from "./flags/hardware.js";
import { readNetwork } from "./flags/network.js";
import { positiveInteger } from "./flags/numbers.js";
import { count, percent, renderTable } from "./format.js";

interface SimulateArgs extends HardwareArgs {
  net?: string;
  layers?: string;
  batch: string;
  json: boolean;
}

export const simulateCommand = {
  command: "simulate",
  describe: "Cycle-level weight-stationary simulation: cycles, utilization, where PE-cycles go",
  builder: (yargs: Argv) =>
    withHardwareOptions(yargs)
      .option("net", { type: "string", describe: "zoo network name or layer file" })
      .option("layers", { type: "string", describe: "layer table, CSV with header or JSON array" })
      .option("batch", { type: "string", default: "64", describe: "batch for rows without one" })
      .option("json", { type: "boolean", default: false, describe: "one JSON object on stdout" })
      .example("$0 simulate --net resnet50 --array 128x128", "ResNet-50 at batch 64")
      .example("$0 simulate --net vgg16 --sram unlimited --bw unlimited", "compute cycles only"),
  handler: (args: SimulateArgs) => {
    const hardware = parseHardware(args);
    const batch = positiveInteger(args.batch, "--batch");
    if ((args.net === undefined) === (args.layers === undefined)) {
      throw new InputError("simulate: give exactly one of --net or --layers");
    }
    const layers =
      args.net !== undefined
        ? readNetwork(args.net, "--net", batch)
        : readLayersFile(args.layers as string, batch);
    const result = simulateNetwork(layers, hardware);
    const text = args.json
      ? JSON.stringify(simulateJson(layers, hardware, result))
      : simulateTable(layers, result, hardware);
    process.stdout.write(`${text}\n`);
  },
};

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
  const totals = `total: ${count(total.macs)} MACs, ${count(total.cycles)} cycles, ${total.runtimeMs.toPrecision(4)} ms, utilization ${percent(total.util)}`;
  return `${renderTable(head, rows, 2)}\n${totals}`;
}
