/**
 * The study's summary laid out like the paper's Table 4, as rows of text cells that the CLI
 * prints and that are written as Markdown (table4.md) and CSV (table4.csv).
 */
import { csvField } from "./results.js";
import type { ParetoSummary, Spread } from "./summary.js";

export interface TextTable {
  head: string[];
  rows: string[][];
}

/** "91.23 ± 0.40"; a lone seed has no spread ("91.23 ± –"), no seed at all "–". */
export function formatSpread(spread: Spread, digits: number): string {
  if (spread.n === 0) return "–";
  const std = spread.std === null ? "–" : spread.std.toFixed(digits);
  return `${spread.mean.toFixed(digits)} ± ${std}`;
}

/** Accuracy and runtime (mean ± std over seeds) per model and λ. */
export function accuracyRuntimeTable(summary: ParetoSummary): TextTable {
  return {
    head: ["model", "λ", "seeds", "top-1 (%)", "runtime (µs)", "utilization (%)"],
    rows: summary.table.map((row) => [
      row.model,
      String(row.lambda),
      row.failed > 0 ? `${row.seeds} (${row.failed} failed)` : String(row.seeds),
      formatSpread(row.accuracy, 2),
      formatSpread(row.runtimeUs, 1),
      formatSpread(scaled(row.utilization, 100), 1),
    ]),
  };
}

/** Per model: hypervolume (percentage points × µs, lower is better) and its front. */
export function hypervolumeTable(summary: ParetoSummary): TextTable {
  return {
    head: ["model", "hypervolume (pp·µs)", "normalized", "front (λ/seed, fastest first)"],
    rows: summary.models.map((entry) => [
      entry.model,
      entry.hypervolume === null ? "–" : entry.hypervolume.toFixed(0),
      entry.normalizedHypervolume === null ? "–" : entry.normalizedHypervolume.toFixed(4),
      entry.front.map((point) => `${point.lambda}/${point.seed}`).join(", "),
    ]),
  };
}

export function markdownTable({ head, rows }: TextTable): string {
  const line = (cells: string[]) =>
    `| ${cells.map((cell) => cell.replaceAll("|", "\\|")).join(" | ")} |`;
  const rule = `|${head.map((_, i) => (i === 0 ? ":---" : "---:")).join("|")}|`;
  return [line(head), rule, ...rows.map(line)].join("\n");
}

/** table4.md: both tables with what their figures mean. */
export function table4Markdown(summary: ParetoSummary, hardware: string): string {
  return [
    "# Accuracy, runtime and hypervolume per cost model (cf. U-Boost Table 4)",
    "",
    `Mean ± sample standard deviation over seeds; runtime and utilization from the cycle-level simulator on ${hardware}.`,
    "",
    markdownTable(accuracyRuntimeTable(summary)),
    "",
    `Hypervolume: the area of [0, ${summary.boundUs.toFixed(1)} µs] × [0, 100%] above each model's accuracy-runtime staircase,`,
    "i.e. how far its front stays from the reference point (100% accuracy, 0 µs); percentage points × µs, lower is better.",
    "The runtime bound is 1.1 × the slowest finished network of the study (so that network's accuracy counts too), the same for every model; normalized = HV / (100 · bound).",
    "",
    markdownTable(hypervolumeTable(summary)),
    "",
  ].join("\n");
}

/** table4.csv: one row per (model, λ), the model's hypervolume repeated on each. */
export function table4Csv(summary: ParetoSummary): string {
  const head = [
    "model",
    "lambda",
    "seeds",
    "failed",
    "top1Mean",
    "top1Std",
    "runtimeUsMean",
    "runtimeUsStd",
    "utilizationMean",
    "utilizationStd",
    "hypervolume",
    "normalizedHypervolume",
    "boundUs",
  ];
  const figure = (value: number | null) =>
    value === null || Number.isNaN(value) ? "" : String(value);
  const lines = summary.table.map((row) => {
    const model = summary.models.find((entry) => entry.model === row.model);
    return [
      row.model,
      String(row.lambda),
      String(row.seeds),
      String(row.failed),
      figure(row.accuracy.mean),
      figure(row.accuracy.std),
      figure(row.runtimeUs.mean),
      figure(row.runtimeUs.std),
      figure(row.utilization.mean),
      figure(row.utilization.std),
      figure(model?.hypervolume ?? null),
      figure(model?.normalizedHypervolume ?? null),
      String(summary.boundUs),
    ]
      .map(csvField)
      .join(",");
  });
  return `${[head.join(","), ...lines].join("\n")}\n`;
}

function scaled(spread: Spread, factor: number): Spread {
  return {
    n: spread.n,
    mean: spread.mean * factor,
    std: spread.std === null ? null : spread.std * factor,
  };
}
