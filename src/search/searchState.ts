import { appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../files/atomicWrite.js";
import { readJsonFile } from "../files/readFile.js";
import { checkCheckpoint, hasCheckpoint } from "../train/checkpoint.js";
import { numberEpochs } from "../train/metrics.js";
import { trainCheckpointName } from "../train/runKey.js";
import type { SearchSettings } from "./settings.js";

/** One line of metrics.jsonl: an epoch of a stage. */
export interface MetricsRow {
  stage: "micro" | "channel" | "final";
  /** counted from 1 within the stage, as the console shows it */
  epoch: number;
  trainLoss: number;
  trainTop1: number;
  validTop1: number;
  latencyMs: number;
  /** the expected architecture's MAC-weighted utilization, a fraction (CostTerms.networkUtil) */
  utilization: number;
  /**
   * the utilization term the loss rewards (CostTerms.util): with the reference cost terms the
   * authors' sum of the cells' mean utilizations, above 1 with several cells; absent in metrics
   * from before it had its own name, whose `utilization` is this term
   */
  utilizationTerm?: number;
  tau: number | null;
}

/**
 * One line of probabilities.jsonl: the architecture's probabilities after an epoch of a search
 * stage (micro: [edge][op] in the space's order; channel: [slot][option]), so a report can show
 * how the choice formed, not only where it ended.
 */
export interface ProbabilitiesRow {
  stage: "micro" | "channel";
  epoch: number;
  probabilities: number[][];
}

/** What a search has finished so far (state.json), so --resume can skip it. */
export interface SearchState {
  settings: SearchSettings;
  backend: string;
  /**
   * data-parallel worker threads: batch norm normalizes per share, so another count ends
   * elsewhere (absent in states from before it was recorded: not checked)
   */
  workers?: number;
  metrics: MetricsRow[];
  /** absent in states saved before probabilities.jsonl existed */
  probabilities?: ProbabilitiesRow[];
  /** `seconds`: the stage's wall seconds (StageSeconds in run.ts), absent in older states */
  micro?: { probabilities: number[][]; edgeOps: string[]; engineShare: number; seconds?: number };
  channel?: {
    probabilities: number[][];
    channels: Record<string, number>;
    engineShare: number;
    seconds?: number;
  };
}

const stateFile = "state.json";

/** The worker count a resumable search in `outDir` ran with, if it recorded one. */
export function recordedSearchWorkers(outDir: string): number | undefined {
  const path = join(outDir, stateFile);
  if (!existsSync(path)) return undefined;
  const saved = readJsonFile(path) as Partial<SearchState> | null;
  return typeof saved?.workers === "number" ? saved.workers : undefined;
}

/**
 * A fresh state, or the saved one on --resume. A folder that already holds a search is never
 * overwritten silently, and a resumed search must have the same settings and backend.
 */
export function openSearchState(
  outDir: string,
  settings: SearchSettings,
  backend: string,
  workers: number,
  resume: boolean,
): SearchState {
  const path = join(outDir, stateFile);
  if (!existsSync(path)) return { settings, backend, workers, metrics: [], probabilities: [] };
  if (!resume)
    throw new InputError(
      `--out: ${outDir} already holds a search; pass --resume to continue it or choose another folder`,
    );
  const saved = readJsonFile(path) as SearchState;
  const shapeOk =
    typeof saved === "object" &&
    saved !== null &&
    typeof saved.settings === "object" &&
    typeof saved.backend === "string" &&
    Array.isArray(saved.metrics);
  if (!shapeOk)
    throw new InputError(`${path}: not a search state (settings, backend or metrics missing)`);
  if (JSON.stringify(saved.settings) !== JSON.stringify(settings)) {
    throw new InputError(
      `--resume: the settings differ from the search in ${outDir} (${stateFile}); use the same flags`,
    );
  }
  // Backends round differently: a search continued on another would end where no run ends.
  if (saved.backend !== backend) {
    throw new InputError(
      `--resume: --backend differs from the search in ${outDir} (was ${saved.backend}, now ${backend}); pass --backend ${saved.backend}`,
    );
  }
  if (saved.workers !== undefined && saved.workers !== workers) {
    throw new InputError(
      `--resume: --workers differs from the search in ${outDir} (was ${saved.workers}, now ${workers}); pass --workers ${saved.workers}`,
    );
  }
  // state.json from before epochs were counted from 1 holds 0, 1, … per stage
  const stages = ["micro", "channel", "final"] as const;
  saved.metrics = stages.flatMap((stage) =>
    numberEpochs(saved.metrics.filter((row) => row.stage === stage)),
  );
  return saved;
}

/**
 * Saves a search's progress after every epoch: state.json whole (atomic; what --resume reads),
 * then metrics.jsonl and probabilities.jsonl by appending the rows added since the last save, so
 * an epoch costs one line each, not a rewrite of the run's history. The first save of a process,
 * and a save after rows were dropped or replaced (a resumed stage trains again the epochs its
 * checkpoint does not hold), writes the .jsonl files whole from the state instead: a line torn by
 * a kill mid-append, or a row state.json holds but the file never got, is then set right, and the
 * files hold exactly state.json's rows.
 */
export function searchStateWriter(outDir: string): (state: SearchState) => void {
  const metrics = jsonLinesFile(join(outDir, "metrics.jsonl"));
  const probabilities = jsonLinesFile(join(outDir, "probabilities.jsonl"));
  return (state) => {
    writeFileAtomic(join(outDir, stateFile), `${JSON.stringify(state)}\n`);
    metrics(state.metrics);
    probabilities(state.probabilities ?? []);
  };
}

/**
 * A .jsonl file that mirrors a growing list of rows: appends what is new when the rows written
 * before are still the list's first rows (the same objects; rows are never edited once pushed),
 * rewrites it whole otherwise.
 */
function jsonLinesFile(path: string): (rows: readonly object[]) => void {
  let written: readonly object[] | undefined;
  return (rows) => {
    const before = written;
    const grows =
      before !== undefined &&
      before.length <= rows.length &&
      before.every((row, i) => row === rows[i]);
    if (!grows) writeFileAtomic(path, jsonLines(rows));
    else if (rows.length > before.length)
      appendFileSync(path, jsonLines(rows.slice(before.length)));
    written = [...rows];
  };
}

/**
 * What --resume will read, checked before a search starts (state.json, each stage's checkpoint
 * and the final training's, their checksums), so a damaged folder is one line before any banner
 * rather than an error after the data has loaded.
 */
export function checkSearchFolder(
  outDir: string,
  settings: SearchSettings,
  backend: string,
  workers: number,
  resume: boolean,
): void {
  openSearchState(outDir, settings, backend, workers, resume);
  for (const stage of ["micro", "channel"]) {
    const name = `checkpoint-${stage}`;
    if (hasCheckpoint(outDir, name)) checkCheckpoint(outDir, name);
  }
  const final = join(outDir, "final");
  if (hasCheckpoint(final, trainCheckpointName)) checkCheckpoint(final, trainCheckpointName);
}

const jsonLines = (rows: readonly object[]) =>
  rows.map((row) => JSON.stringify(row)).join("\n") + (rows.length ? "\n" : "");
