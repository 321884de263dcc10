/**
 * The report of a Pareto study (`uboost pareto --out DIR`): accuracy against runtime with each
 * cost model's front and hypervolume (every point's tooltip names its task), Table 4, the cell of
 * each model's most accurate front network, and the channel counts each model chose. Tasks still
 * running are listed with how far their search got.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { defaultSimConfig } from "../hw/simulator/config.js";
import { type ArchFile, readArchFile } from "../model/archFile.js";
import { cellDiagram, cellGraph } from "../pareto/cell.js";
import { histogramOptions, representative } from "../pareto/outputs.js";
import { readResultsFile, type StudyResults } from "../pareto/readResults.js";
import { resultsFile } from "../pareto/run.js";
import type { StudyFile } from "../pareto/study.js";
import { type ParetoSummary, summarizeStudy, tradeoffPoint } from "../pareto/summary.js";
import { accuracyRuntimeTable, hypervolumeTable, type TextTable } from "../pareto/table4.js";
import { taskDir, tasksDir } from "../pareto/tasks.js";
import { cellSpec } from "../plot/paretoCell.js";
import { channelHistogramSpec, paretoSpec } from "../plot/paretoPlots.js";
import type { MetricsRow } from "../search/searchState.js";
import { percentText } from "./networkSections.js";
import { plotChart, type Report, type ReportSection, section } from "./report.js";
import { readJsonLines, readOptionalJson } from "./runFiles.js";

export function paretoReport(dir: string): Report {
  const paths = { study: join(dir, "pareto.json"), results: resultsFile(dir) };
  const study = readOptionalJson<StudyFile>(paths.study);
  const results: StudyResults = existsSync(paths.results)
    ? readResultsFile(paths.results)
    : { records: [], models: [], lambdas: [] };
  const summary = summarizeStudy(results.records, results.models, results.lambdas);
  const archs = new Map<string, TaskArch>();
  for (const { task, status } of results.records) {
    const path = join(taskDir(dir, task), "arch.json");
    if (status === "ok" && existsSync(path))
      archs.set(task.key, { model: task.model, arch: readArchFile(path) });
  }
  const running = runningTasks(dir, new Set(results.records.map((record) => record.task.key)));
  const sections: ReportSection[] = [
    tradeoffSection(results, summary),
    section(
      "Table 4",
      [],
      [tableOf(accuracyRuntimeTable(summary)), tableOf(hypervolumeTable(summary))],
    ),
    cellSection(summary, archs),
  ];
  const histogram = channelSection(summary, archs, study);
  if (histogram !== undefined) sections.push(histogram);
  sections.push(taskSection(results, running));
  const failed = results.records.filter((record) => record.status === "failed").length;
  const finished = running.length === 0 && existsSync(join(dir, "table4.csv"));
  const settled = `${results.records.length - failed} tasks finished, ${failed} failed`;
  return {
    kind: "pareto",
    title: `uboost pareto: ${dir}`,
    status: running.length > 0 ? `in progress: ${settled}, ${running.length} running` : settled,
    finished,
    sections,
    data: { study, records: results.records, summary, running },
    sources: [
      ...Object.values(paths),
      ...results.records.map((record) => join(taskDir(dir, record.task), "arch.json")),
    ].filter((path) => existsSync(path)),
  };
}

/** A finished task's network and the cost model it was searched with. */
interface TaskArch {
  model: string;
  arch: ArchFile;
}

function tradeoffSection(results: StudyResults, summary: ParetoSummary): ReportSection {
  const onFront = new Set(summary.models.flatMap((entry) => entry.front.map((point) => point.key)));
  const dots = results.records.flatMap((record) => {
    const point = tradeoffPoint(record);
    if (point === undefined) return [];
    const front = onFront.has(point.key);
    return [{ ...point, model: record.task.model, front, label: `λ ${point.lambda}` }];
  });
  const volumes = summary.models.map(
    (entry) =>
      `${entry.model} ${entry.hypervolume === null ? "–" : entry.hypervolume.toPrecision(4)}`,
  );
  const spec = plotChart(paretoSpec(dots, summary.models, "as measured in results.csv"));
  spec.title = {
    text: "Accuracy vs runtime per cost model",
    subtitle: `lines: Pareto fronts; hypervolume (pp·ms, lower is better): ${volumes.join(", ")}`,
  };
  return section(
    "Accuracy and runtime",
    [spec],
    [],
    "every finished task a point (faint: dominated within its model); hover a point for its task",
  );
}

function cellSection(summary: ParetoSummary, archs: Map<string, TaskArch>): ReportSection {
  const charts = summary.models.flatMap((entry) => {
    const best = representative(
      entry,
      [...archs.keys()].map((key) => ({ task: { key } })),
    );
    const arch = best === undefined ? undefined : archs.get(best.task.key)?.arch;
    if (arch === undefined) return [];
    const point = entry.front.at(-1);
    const figures = point
      ? `top-1 ${point.top1Percent.toFixed(1)}%, ${point.runtimeMs.toPrecision(3)} ms`
      : "";
    return [
      plotChart(
        cellSpec(
          cellDiagram(cellGraph(arch)),
          `${entry.model}: ${best?.task.key}`,
          `its most accurate front network: ${figures}`,
        ),
      ),
    ];
  });
  const note = charts.length === 0 ? "no task has finished yet" : undefined;
  return section("Cells", charts, [], note);
}

function channelSection(
  summary: ParetoSummary,
  archs: Map<string, TaskArch>,
  study: StudyFile | undefined,
): ReportSection | undefined {
  if (archs.size === 0 || study === undefined) return undefined;
  const choices = [...archs.values()].flatMap(({ model, arch }) =>
    arch.channels.map(({ channels }) => ({ model, channels })),
  );
  const options = histogramOptions(
    choices.map((choice) => choice.channels),
    study.shared,
  );
  const models = summary.models.map((entry) => entry.model);
  const arrayCols = study.shared.array?.cols ?? defaultSimConfig.arrayCols;
  return section("Channels", [
    plotChart(channelHistogramSpec(choices, models, options, arrayCols)),
  ]);
}

interface RunningTask {
  key: string;
  /** "micro 3/20" of the task's last finished epoch, or "starting" */
  progress: string;
}

/** Task folders with a search under way and no row in results.csv yet. */
function runningTasks(dir: string, settled: Set<string>): RunningTask[] {
  if (!existsSync(tasksDir(dir))) return [];
  return readdirSync(tasksDir(dir))
    .filter((key) => !settled.has(key))
    .map((key) => {
      const last = readJsonLines<MetricsRow>(join(tasksDir(dir), key, "metrics.jsonl")).at(-1);
      return { key, progress: last ? `${last.stage} epoch ${last.epoch}` : "starting" };
    });
}

function taskSection(results: StudyResults, running: RunningTask[]): ReportSection {
  const rows = results.records.map((record) => {
    const { finished } = record;
    return [
      record.task.key,
      record.status,
      finished ? (finished.testTop1 * 100).toFixed(2) : "",
      finished ? (finished.runtimeUs / 1e3).toPrecision(4) : "",
      finished ? percentText(finished.utilization) : "",
    ];
  });
  for (const task of running) rows.push([task.key, `running: ${task.progress}`, "", "", ""]);
  return section(
    "Tasks",
    [],
    [{ columns: ["task", "status", "top-1 (%)", "runtime (ms)", "utilization"], rows }],
  );
}

const tableOf = ({ head, rows }: TextTable) => ({ columns: head, rows });
