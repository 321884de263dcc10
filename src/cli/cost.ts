import type { Argv } from "yargs";
import { createCostEngine } from "../engine/engine.js";
import { costNetwork, type NetworkCost } from "../engine/network.js";
import { InputError } from "../errors.js";
import type { Layer } from "../layers/layer.js";
import { readLayersFile } from "../layers/readLayers.js";
import { validateLayer } from "../layers/validate.js";
import { count, percent, renderTable } from "./format.js";
import {
  parseArrayShape,
  parsePositiveInteger,
  parsePositiveNumber,
  resolveNetwork,
} from "./options.js";

const layerFlags = ["type", "k", "k1", "k2", "c", "f", "h", "w", "stride", "dilation"] as const;

interface CostArgs {
  layers?: string;
  net?: string;
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
  array: string;
  batch: string;
  clock: string;
  json: boolean;
}

export const costCommand = {
  command: "cost",
  describe: "Cycles, utilization and smooth-model gradients of layers on a systolic array",
  builder: (yargs: Argv) =>
    yargs
      .option("layers", { type: "string", describe: "layer table, CSV with header or JSON array" })
      .option("net", { type: "string", describe: "zoo network name or layer file" })
      .option("type", {
        type: "string",
        describe: "single layer: conv, dilconv, dwconv, dws, fc, …",
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
      .option("array", { type: "string", default: "128x128", describe: "systolic array ROWSxCOLS" })
      .option("batch", { type: "string", default: "1", describe: "batch for rows without one" })
      .option("clock", { type: "string", default: "1e9", describe: "clock in Hz" })
      .option("json", { type: "boolean", default: false, describe: "one JSON object on stdout" })
      .example("$0 cost --net resnet50 --array 128x128", "per-layer cost of ResNet-50")
      .example("$0 cost --type conv --k 3 --c 128 --f 256 --h 32 --w 32", "one layer"),
  handler: (args: CostArgs) => {
    const array = parseArrayShape(args.array);
    const clockHz = parsePositiveNumber(args.clock, "--clock");
    const batch = parsePositiveInteger(args.batch, "--batch");
    const layers = selectLayers(args, batch);
    const result = costNetwork(createCostEngine(), layers, array, clockHz);
    const text = args.json
      ? JSON.stringify(costJson(layers, array, result))
      : costTable(layers, result);
    process.stdout.write(`${text}\n`);
  },
};

function selectLayers(args: CostArgs, batch: number): Layer[] {
  const sources = [args.layers, args.net, args.type].filter((source) => source !== undefined);
  if (sources.length !== 1)
    throw new InputError("cost: give exactly one of --layers, --net or --type");
  if (args.layers !== undefined) return readLayersFile(args.layers, batch);
  if (args.net !== undefined) return resolveNetwork(args.net, batch);
  const raw: Record<string, unknown> = { name: args.type };
  for (const flag of layerFlags)
    if (args[flag] !== undefined && flag !== "k") raw[flag] = args[flag];
  if (args.k !== undefined) {
    raw.k1 ??= args.k;
    raw.k2 ??= args.k;
  }
  return [validateLayer(raw, "command line", batch)];
}

function costJson(layers: Layer[], array: { rows: number; cols: number }, result: NetworkCost) {
  return {
    array: [array.rows, array.cols],
    layers: result.layers.map((cost, i) => ({
      name: layers[i].name,
      type: layers[i].type,
      macs: cost.macs,
      cycles: cost.cycles,
      util: cost.util,
      smooth: {
        cycles: cost.smoothCycles,
        util: cost.smoothUtil,
        dCyclesDc: cost.dCyclesDc,
        dCyclesDf: cost.dCyclesDf,
        dUtilDc: cost.dUtilDc,
        dUtilDf: cost.dUtilDf,
      },
    })),
    total: result.total,
  };
}

function costTable(layers: Layer[], result: NetworkCost): string {
  const rows = result.layers.map((cost, i) => {
    const { name, type, k1, k2, c, f, h, w, batch } = layers[i];
    return [
      name,
      type,
      `${k1}x${k2}`,
      c,
      f,
      `${h}x${w}`,
      batch,
      count(cost.macs),
      count(cost.cycles),
      percent(cost.util),
      percent(cost.smoothUtil),
    ];
  });
  const { total } = result;
  const head = [
    "layer",
    "type",
    "k",
    "c",
    "f",
    "out",
    "batch",
    "MACs",
    "cycles",
    "util",
    "smooth util",
  ];
  const totals = `total: ${count(total.macs)} MACs, ${count(total.cycles)} cycles, ${total.runtimeMs.toPrecision(4)} ms, utilization ${percent(total.util)}`;
  return `${renderTable(head, rows, 2)}\n${totals}`;
}
