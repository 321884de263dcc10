/**
 * A task's outcome, and results.csv: one row per task, rewritten as tasks settle. Its unit
 * convention, named in the header: accuracy and utilization in percent, runtimes in µs.
 */
import { writeFileAtomic } from "../files/atomicWrite.js";
import { csvField } from "../files/csv.js";
import { significant } from "../significant.js";
import type { FinishedTask } from "./measure.js";
import type { ParetoTask } from "./tasks.js";

export interface TaskRecord {
  task: Pick<ParetoTask, "key" | "model" | "lambda" | "seed" | "beta">;
  status: "ok" | "failed";
  /** set when ok */
  finished?: FinishedTask;
  /** set when failed: the second attempt's message */
  error?: string;
  /** this run's wall time for the task; null when an earlier run had finished it */
  seconds: number | null;
  /** the queue worker that ran it (local pool runs leave it out) */
  worker?: string;
}

export const resultColumns = [
  "model",
  "lambda",
  "seed",
  "beta",
  "status",
  "testTop1Percent",
  "runtimeUs",
  "utilizationPercent",
  "params",
  "macs",
  "searchArray",
  "searchRuntimeUs",
  "searchUtilizationPercent",
  "seconds",
  "channels",
  "ops",
  "error",
] as const;

/** "stem:16;cell0.pre_p:24;…": every searched width, in the network's order. */
export function channelsField(finished: FinishedTask): string {
  return finished.arch.channels.map((entry) => `${entry.slot}:${entry.channels}`).join(";");
}

/** "x_p-t1:conv3x3;…": the op chosen on each edge of the cell, zero included. */
export function opsField(finished: FinishedTask): string {
  return finished.arch.edges.map((edge) => `${edge.from}-${edge.to}:${edge.op}`).join(";");
}

export function resultRow(record: TaskRecord): Record<(typeof resultColumns)[number], string> {
  const { task, finished } = record;
  const figure = (value: number | undefined) =>
    value === undefined ? "" : String(significant(value));
  const percent = (fraction: number | undefined) =>
    fraction === undefined ? "" : String(significant(fraction * 100));
  return {
    model: task.model,
    lambda: String(task.lambda),
    seed: String(task.seed),
    beta: String(task.beta),
    status: record.status,
    testTop1Percent: percent(finished?.testTop1),
    runtimeUs: figure(finished?.runtimeUs),
    utilizationPercent: percent(finished?.utilization),
    params: figure(finished?.params),
    macs: figure(finished?.macs),
    searchArray: finished ? `${finished.searchArray.rows}x${finished.searchArray.cols}` : "",
    searchRuntimeUs: figure(finished?.searchArray.runtimeUs),
    searchUtilizationPercent: percent(finished?.searchArray.utilization),
    seconds: record.seconds === null ? "" : record.seconds.toFixed(1),
    channels: finished ? channelsField(finished) : "",
    ops: finished ? opsField(finished) : "",
    error: record.error ?? "",
  };
}

export function resultsCsv(records: readonly TaskRecord[]): string {
  const lines = records.map((record) => {
    const row = resultRow(record);
    return resultColumns.map((column) => csvField(row[column])).join(",");
  });
  return `${[resultColumns.join(","), ...lines].join("\n")}\n`;
}

export function writeResultsCsv(path: string, records: readonly TaskRecord[]): void {
  writeFileAtomic(path, resultsCsv(records));
}
