import type { Argv } from "yargs";
import { readMeasuredLayers } from "../fidelity/measurements.js";
import {
  csimAccelerator,
  type FidelityRow,
  fidelityModels,
  fidelityReport,
} from "../fidelity/report.js";
import { writeFileAtomic } from "../files/atomicWrite.js";
import { costModelByName, modelContext } from "../hw/models/index.js";
import { predictedVsMeasuredSpec } from "../plot/fidelityPlot.js";
import { renderSvg } from "../plot/render.js";
import { nonEmptyList } from "./flags/lists.js";
import { renderTable } from "./format.js";

interface BenchFidelityArgs {
  csv: string;
  models: string;
  plot?: string;
  "plot-models": string;
  markdown: boolean;
  json: boolean;
}

function modelList(spec: string, flag: string): string[] {
  return nonEmptyList(spec, flag, "cost model", (model) => {
    costModelByName(model, flag);
    return model;
  });
}

const fixed = (value: number, digits: number) =>
  Number.isNaN(value) ? "–" : value.toFixed(digits);
const percentCell = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

function cells(row: FidelityRow): string[] {
  return [
    row.model,
    row.type,
    String(row.size === "all" ? "all" : `${row.size}×${row.size}`),
    String(row.layers),
    fixed(row.medianRatio, 3),
    percentCell(row.medianError),
    percentCell(row.p90Error),
    fixed(row.srcc, 4),
  ];
}

const head = [
  "model",
  "type",
  "output",
  "layers",
  "median ratio",
  "median |err|",
  "p90 |err|",
  "SRCC",
];

function markdownTable(rows: FidelityRow[]): string {
  const lines = [
    // a bare | inside a cell would end it: |err| is written \|err\|
    `| ${head.map((title) => title.replaceAll("|", "\\|")).join(" | ")} |`,
    `|${head.map((_, i) => (i < 3 ? "---" : "---:")).join("|")}|`,
  ];
  for (const row of rows) lines.push(`| ${cells(row).join(" | ")} |`);
  return lines.join("\n");
}

export const benchFidelityCommand = {
  command: "fidelity",
  describe: "Each cost model against measured layer cycles (docs/fidelity.md): error and SRCC",
  builder: (yargs: Argv) =>
    yargs
      .option("csv", {
        type: "string",
        demandOption: true,
        describe: "measured layers: layer columns plus cycles (../shared/data/csim-lookup/)",
      })
      .option("models", {
        type: "string",
        default: fidelityModels.join(","),
        describe: "cost models",
      })
      .option("plot", { type: "string", describe: "write predicted vs measured cycles (SVG)" })
      .option("plot-models", {
        type: "string",
        default: "systolic,sim,csim",
        describe: "the plot's panels",
      })
      .option("markdown", { type: "boolean", default: false, describe: "print a Markdown table" })
      .option("json", { type: "boolean", default: false }),
  handler: async (args: BenchFidelityArgs) => {
    const models = modelList(args.models, "--models");
    const plotModels = modelList(args["plot-models"], "--plot-models");
    const measured = readMeasuredLayers(args.csv);
    const context = modelContext();
    const report = fidelityReport(measured, models, csimAccelerator, context);
    if (args.plot !== undefined) {
      // the plot's models may lie outside --models: measure them on their own
      const { points } = fidelityReport(measured, plotModels, csimAccelerator, context);
      const title = `Predicted vs measured cycles, ${measured.length} layers of ${args.csv.split("/").pop()}`;
      writeFileAtomic(args.plot, await renderSvg(predictedVsMeasuredSpec(points, title)));
      process.stderr.write(`wrote ${args.plot}\n`);
    }
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ layers: measured.length, rows: report.rows })}\n`);
    } else if (args.markdown) {
      process.stdout.write(`${markdownTable(report.rows)}\n`);
    } else {
      process.stdout.write(`${renderTable(head, report.rows.map(cells), 3)}\n`);
    }
  },
};
