/**
 * The study's summary laid out like the paper's Table 4, as rows of text cells that the CLI
 * prints and that are written as Markdown (table4.md) and CSV (table4.csv).
 */
import { csvField } from "../files/csv.js";
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
    head: ["model", "λ", "β", "seeds", "top-1 (%)", "runtime (ms)", "utilization (%)"],
    rows: summary.table.map((row) => [
      row.model,
      String(row.lambda),
      row.beta === null ? "–" : String(row.beta),
      row.failed > 0 ? `${row.seeds} (${row.failed} failed)` : String(row.seeds),
      formatSpread(row.top1Percent, 2),
      formatSpread(row.runtimeMs, 4),
      formatSpread(row.utilizationPercent, 1),
    ]),
  };
}

/** Per model: the hypervolumes (percentage points × ms, lower is better) and its front. */
export function hypervolumeTable(summary: ParetoSummary): TextTable {
  return {
    head: [
      "model",
      "hypervolume (pp·ms)",
      `bounded to ${summary.boundMs.toPrecision(3)} ms`,
      "front (λ/seed, fastest first)",
    ],
    rows: summary.models.map((entry) => [
      entry.model,
      entry.hypervolume === null ? "–" : entry.hypervolume.toPrecision(4),
      entry.boundedHypervolume === null ? "–" : entry.boundedHypervolume.toPrecision(4),
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
    "Hypervolume (the paper's): over each model's Pareto front f_1 … f_n (all λ and seeds, fastest first) with t_0 = 0,",
    "HV = Σ (100 − top-1 %) · (t_i − t_{i−1}), the distance from the reference point (0 ms, 100%); percentage points × ms, lower is better.",
    `Bounded: the area of [0, ${summary.boundMs.toPrecision(3)} ms] × [0, 100%] that no network of the front reaches (the bound is 1.1 × the study's slowest network), lower is better.`,
    "",
    markdownTable(hypervolumeTable(summary)),
    "",
  ].join("\n");
}

/**
 * table4.csv: one row per (model, λ), the model's hypervolume repeated on each; accuracy and
 * utilization in percent, runtimes in ms, hypervolumes in percentage points × ms.
 */
export function table4Csv(summary: ParetoSummary): string {
  const head = [
    "model",
    "lambda",
    "beta",
    "seeds",
    "failed",
    "top1PercentMean",
    "top1PercentStd",
    "runtimeMsMean",
    "runtimeMsStd",
    "utilizationPercentMean",
    "utilizationPercentStd",
    "hypervolume",
    "boundedHypervolume",
    "boundMs",
  ];
  const figure = (value: number | null) =>
    value === null || Number.isNaN(value) ? "" : String(value);
  const lines = summary.table.map((row) => {
    const model = summary.models.find((entry) => entry.model === row.model);
    return [
      row.model,
      String(row.lambda),
      figure(row.beta),
      String(row.seeds),
      String(row.failed),
      figure(row.top1Percent.mean),
      figure(row.top1Percent.std),
      figure(row.runtimeMs.mean),
      figure(row.runtimeMs.std),
      figure(row.utilizationPercent.mean),
      figure(row.utilizationPercent.std),
      figure(model?.hypervolume ?? null),
      figure(model?.boundedHypervolume ?? null),
      String(summary.boundMs),
    ]
      .map(csvField)
      .join(",");
  });
  return `${[head.join(","), ...lines].join("\n")}\n`;
}
