/**
 * The report of a training run (`uboost train --out DIR`): loss, top-1 and learning rate per
 * epoch, and, once the model is saved, its cell, channels and the network on the simulator.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { defaultSimConfig } from "../hw/simulator/config.js";
import type { ArchFile } from "../model/archFile.js";
import { searchHardware } from "../search/run.js";
import type { SearchSettings } from "../search/settings.js";
import { type TrainRunKey, trainCheckpointName } from "../train/runKey.js";
import type { EpochMetrics } from "../train/trainNetwork.js";
import { architectureSection, percentText, simulatorSection } from "./networkSections.js";
import { type Report, type ReportSection, section } from "./report.js";
import { type EpochPoint, epochChart, trainingCharts } from "./runCharts.js";
import { readJsonLines, readOptionalJson, settingsRows } from "./runFiles.js";

interface SavedModel {
  modelTopology: ArchFile;
  userDefinedMetadata: { testTop1: number };
}

/** the paper's hardware batch, for networks trained without a search's settings */
const defaultBatch = 64;

export function trainReport(dir: string): Report {
  const paths = {
    metrics: join(dir, "metrics.jsonl"),
    timing: join(dir, "timing.jsonl"),
    checkpoint: join(dir, `${trainCheckpointName}.json`),
    model: join(dir, "model", "model.json"),
  };
  const metrics = readJsonLines<EpochMetrics>(paths.metrics);
  const run = readOptionalJson<{ state: { run?: TrainRunKey } }>(paths.checkpoint)?.state.run;
  const model = readOptionalJson<SavedModel>(paths.model);
  const sections: ReportSection[] = [epochSection(metrics)];
  const data: Record<string, unknown> = { metrics, run };
  if (model !== undefined) {
    const arch = model.modelTopology;
    const searched = arch.settings as SearchSettings | undefined;
    const hardware = searched?.array ? searchHardware(searched) : defaultSimConfig;
    const chosen = architectureSection(arch, hardware.arrayCols, "Trained cell");
    const simulated = simulatorSection(arch, hardware, searched?.hardwareBatch ?? defaultBatch);
    sections.push(chosen.section, simulated.section);
    Object.assign(data, { arch, ...simulated, testTop1: model.userDefinedMetadata.testTop1 });
  }
  if (run !== undefined) {
    const rows = settingsRows(run as unknown as Record<string, unknown>);
    sections.push(section("Settings", [], [{ columns: ["setting", "value"], rows }]));
  }
  const done = metrics.length;
  const status =
    model !== undefined
      ? `finished: test top-1 ${percentText(model.userDefinedMetadata.testTop1)} after ${done} epochs`
      : `in progress: epoch ${done} of ${run?.epochs ?? "?"} done`;
  return {
    kind: "train",
    title: `uboost train: ${dir}`,
    status,
    finished: model !== undefined,
    sections,
    data,
    sources: Object.values(paths).filter((path) => existsSync(path)),
  };
}

function epochSection(metrics: readonly EpochMetrics[]): ReportSection {
  const points = (series: string, value: (row: EpochMetrics) => number) =>
    metrics.map(
      (row): EpochPoint => ({
        stage: "train",
        epoch: row.epoch,
        step: row.epoch,
        series,
        value: value(row),
      }),
    );
  return section("Epochs", [
    ...trainingCharts(points),
    epochChart(
      points("learning rate", (row) => row.learningRate),
      "Learning rate",
      "learning rate",
    ),
  ]);
}
