/**
 * Everything a finished study leaves in --out besides results.csv and the task folders:
 * table4.md/.csv, pareto.svg (Fig. 5), channels.svg (Fig. 7), and per model its cell as
 * cell-<model>.svg and cell-<model>.dot (Fig. 6); each finished task also gets its cell.dot.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../files/atomicWrite.js";
import { cellSpec } from "../plot/paretoCell.js";
import { channelHistogramSpec, paretoSpec } from "../plot/paretoPlots.js";
import { renderSvg } from "../plot/render.js";
import { channelOptions, type SearchSettings } from "../search/settings.js";
import { cellDiagram, cellDot, cellGraph } from "./cell.js";
import { type FinishedTask, type MeasureSettings, measureText, paperArrayText } from "./measure.js";
import type { TaskRecord } from "./results.js";
import type { ParetoResult } from "./run.js";
import { type ModelSummary, type ParetoSummary, tradeoffPoint } from "./summary.js";
import { table4Csv, table4Markdown } from "./table4.js";
import { taskDir } from "./tasks.js";

/** Writes the outputs; returns the paths written, task cell.dot files aside. */
export async function writeStudyOutputs(
  result: ParetoResult,
  outDir: string,
  settings: SearchSettings,
  measure: MeasureSettings,
): Promise<string[]> {
  const { records, summary } = result;
  const written: string[] = [];
  const write = (name: string, text: string) => {
    const path = join(outDir, name);
    writeFileAtomic(path, text);
    written.push(path);
  };
  write("table4.md", table4Markdown(summary, measureText(measure)));
  write("table4.csv", table4Csv(summary));
  const figure = paretoSpec(tradeoffDots(records, summary), summary.models, measureText(measure));
  write("pareto.svg", await renderSvg(figure));
  const models = summary.models.map((entry) => entry.model);
  const chosen = records.flatMap(
    (record) => record.finished?.arch.channels.map((entry) => entry.channels) ?? [],
  );
  const options = histogramOptions(chosen, settings);
  const choices = records.flatMap((record) =>
    (record.finished?.arch.channels ?? []).map(({ channels }) => ({
      model: record.task.model,
      channels,
    })),
  );
  const histogram = channelHistogramSpec(choices, models, options, settings.array.cols);
  write("channels.svg", await renderSvg(histogram));
  for (const entry of summary.models) {
    const record = representative(entry, records);
    if (record === undefined) continue;
    const { title, subtitle, dot } = drawnCell(record);
    write(`cell-${entry.model}.dot`, dot);
    write(
      `cell-${entry.model}.svg`,
      await renderSvg(cellSpec(cellDiagram(cellGraphOf(record)), title, subtitle)),
    );
  }
  for (const record of records) {
    if (record.status === "ok")
      writeFileAtomic(join(taskDir(outDir, record.task), "cell.dot"), drawnCell(record).dot);
  }
  return written;
}

/** Every finished network as a point of its model, marked if on that model's front. */
function tradeoffDots(records: readonly TaskRecord[], summary: ParetoSummary) {
  const onFront = new Set(summary.models.flatMap((entry) => entry.front.map((point) => point.key)));
  return records.flatMap((record) => {
    const point = tradeoffPoint(record);
    if (point === undefined) return [];
    const label = `λ ${point.lambda}`;
    return [{ ...point, model: record.task.model, front: onFront.has(point.key), label }];
  });
}

/** The channel options of the search, plus any chosen width outside them (a fixed stem). */
export function histogramOptions(
  chosen: readonly number[],
  settings: Pick<SearchSettings, "channels">,
): number[] {
  return [...new Set([...channelOptions(settings.channels), ...chosen])].sort((a, b) => a - b);
}

/** The model's most accurate network on its front (the fastest of equals), as Fig. 6 shows one cell a model. */
export function representative<Record extends { task: { key: string } }>(
  entry: ModelSummary,
  records: readonly Record[],
) {
  const best = entry.front.at(-1);
  return records.find((record) => record.task.key === best?.key);
}

/** A cell's captions, and the cell as DOT with them. */
function drawnCell(record: TaskRecord) {
  const point = tradeoffPoint(record);
  const { model, lambda, seed } = record.task;
  const figures = point
    ? `top-1 ${point.top1Percent.toFixed(1)}%, ${point.runtimeMs.toPrecision(3)} ms on ${paperArrayText}`
    : "";
  const title = `${model} cell (λ = ${lambda}, seed ${seed})`;
  return {
    title,
    subtitle: `${figures}; edges: op and its channels in cell 0/1/…; faded: pruned node`,
    dot: cellDot(cellGraphOf(record), `${title}: ${figures}`),
  };
}

const cellGraphOf = (record: TaskRecord) => cellGraph((record.finished as FinishedTask).arch);
