/**
 * The report of a search run (`uboost search --out DIR`, or a Pareto task's folder): its
 * figures per epoch through the three stages, how the op and channel choices formed, the chosen
 * cell, and the final network on the simulator. A run still going is shown as far as it got.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readJsonFile } from "../files/readFile.js";
import { readArchFile } from "../model/archFile.js";
import { uboostSpace } from "../model/space.js";
import { type FinalReport, searchHardware } from "../search/run.js";
import type { MetricsRow, ProbabilitiesRow, SearchState } from "../search/searchState.js";
import {
  architectureSection,
  opProbabilitySection,
  percentText,
  simulatorSection,
} from "./networkSections.js";
import { type ChartSpec, type Report, type ReportSection, section } from "./report.js";
import { type EpochPoint, epochChart, trainingCharts } from "./runCharts.js";
import { readJsonLines, readOptionalJson, settingsRows } from "./runFiles.js";

export function searchReport(dir: string): Report {
  const paths = {
    state: join(dir, "state.json"),
    metrics: join(dir, "metrics.jsonl"),
    probabilities: join(dir, "probabilities.jsonl"),
    arch: join(dir, "arch.json"),
    final: join(dir, "final.json"),
  };
  const state = readJsonFile(paths.state) as SearchState;
  const { settings } = state;
  const metrics = readJsonLines<MetricsRow>(paths.metrics);
  const history = readJsonLines<ProbabilitiesRow>(paths.probabilities);
  const arch = existsSync(paths.arch) ? readArchFile(paths.arch) : undefined;
  const final = readOptionalJson<FinalReport>(paths.final);
  const sections: ReportSection[] = [epochSection(metrics)];
  const data: Record<string, unknown> = { settings, metrics };
  const ops = opProbabilitySection(arch?.space ?? uboostSpace, history, arch);
  if (ops !== undefined) {
    sections.push(ops.section);
    data.opProbabilities = ops.cells;
  }
  if (arch !== undefined) {
    const hardware = searchHardware(settings);
    const chosen = architectureSection(arch, hardware.arrayCols, "Chosen cell", history);
    const simulated = simulatorSection(arch, hardware, settings.hardwareBatch);
    sections.push(chosen.section, simulated.section);
    Object.assign(data, {
      arch,
      channelProbabilities: chosen.channels,
      expectedWidths: chosen.expectedWidths,
      ...simulated,
    });
  }
  const figures = final === undefined ? [] : [{ columns: ["final", ""], rows: finalRows(final) }];
  sections.push(
    section("Settings and final figures", [], [...figures, settingsTable(settings, state.backend)]),
  );
  if (final !== undefined) data.final = final;
  return {
    kind: "search",
    title: `uboost search: ${dir}`,
    status: final === undefined ? progressText(metrics, settings) : finishedText(final),
    finished: final !== undefined,
    sections,
    data,
    sources: Object.values(paths).filter((path) => existsSync(path)),
  };
}

/** Loss, top-1, the architecture's expected latency and utilization, and τ, epoch by epoch. */
function epochSection(metrics: readonly MetricsRow[]): ReportSection {
  const points = (series: string, value: (row: MetricsRow) => number | null) =>
    metrics.flatMap((row, step): EpochPoint[] => {
      const figure = value(row);
      return figure === null || !Number.isFinite(figure)
        ? []
        : [{ stage: row.stage, epoch: row.epoch, step: step + 1, series, value: figure }];
    });
  const charts = [
    ...trainingCharts(points),
    epochChart(
      points("latency", (row) => row.latencyMs),
      "Modelled latency of the expected architecture",
      "latency (ms)",
    ),
    utilizationChart(metrics, points),
    epochChart(
      points("τ", (row) => row.tau),
      "Gumbel-softmax temperature τ",
      "τ",
      ".3f",
    ),
  ];
  const note =
    metrics.length === 0
      ? "no epoch has finished yet"
      : "drag to pan, wheel to zoom, double-click to reset; the final stage trains a fixed network (no cost or τ)";
  return section("Epochs", charts, [], note);
}

/**
 * The expected architecture's utilization, a fraction charted in percent. Metrics written before
 * the loss's utilization term had a name of its own hold that term under `utilization` (the
 * authors' sum over cells, above 1): those are charted as the term they are.
 */
function utilizationChart(
  metrics: readonly MetricsRow[],
  points: (series: string, value: (row: MetricsRow) => number | null) => EpochPoint[],
): ChartSpec {
  const termOnly = metrics.some(
    (row) => row.stage !== "final" && row.utilizationTerm === undefined,
  );
  if (termOnly) {
    return epochChart(
      points("utilization term", (row) => row.utilization),
      "Modelled utilization term of the expected architecture (the loss's; not a fraction)",
      "utilization term",
      ".3f",
    );
  }
  return epochChart(
    points("utilization", (row) => row.utilization),
    "Modelled utilization of the expected architecture (MAC-weighted)",
    "utilization",
    "%",
  );
}

function progressText(metrics: readonly MetricsRow[], settings: SearchState["settings"]): string {
  const last = metrics.at(-1);
  if (last === undefined) return "in progress: no epoch finished yet";
  const epochs = {
    micro: settings.microEpochs,
    channel: settings.channelEpochs,
    final: settings.finalEpochs,
  };
  return `in progress: ${last.stage} stage, epoch ${last.epoch} of ${epochs[last.stage]} done`;
}

function finishedText(final: FinalReport): string {
  return `finished: test top-1 ${percentText(final.testTop1)}, ${final.runtimeUs.toFixed(1)} µs on the simulator, utilization ${percentText(final.utilization)}`;
}

function finalRows(final: FinalReport): (string | number)[][] {
  return [
    ["test top-1", percentText(final.testTop1)],
    ["runtime (µs)", final.runtimeUs.toFixed(2)],
    ["utilization", percentText(final.utilization)],
    ["parameters", Math.round(final.params).toLocaleString("en-US")],
    ["MACs per image", Math.round(final.macs).toLocaleString("en-US")],
  ];
}

function settingsTable(settings: SearchState["settings"], backend: string) {
  return {
    columns: ["setting", "value"],
    rows: [...settingsRows(settings as unknown as Record<string, unknown>), ["backend", backend]],
  };
}
