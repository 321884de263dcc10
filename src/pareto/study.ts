/**
 * pareto.json: what every task of a study shares (the search settings but model, λ, seed and β;
 * the β rule; the space; the data). --resume may add models, λs and seeds, but not change what is
 * shared, or finished tasks would be kept from a different experiment.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../files/atomicWrite.js";
import type { SearchSpace } from "../model/space.js";
import type { SearchSettings } from "../search/settings.js";
import type { BetaRule, ParetoGrid, ParetoTask } from "./tasks.js";

export interface StudyFile {
  format: "uboost-pareto/2";
  data: string;
  shared: Omit<SearchSettings, "hwModel" | "lambda" | "seed" | "beta">;
  /** each task's β follows from it and the task's model */
  beta: BetaRule;
  space: SearchSpace;
  /** the latest run's grid, for the record */
  grid: ParetoGrid;
  /**
   * threads each task searched on: a task's figures depend on it (batch norm per share), so a
   * resumed study keeps it (absent in studies from before it was recorded: 1)
   */
  taskWorkers?: number;
}

const studyFileName = "pareto.json";

export function studyFileOf(
  dataDir: string,
  space: SearchSpace,
  grid: ParetoGrid,
  beta: BetaRule,
  tasks: readonly ParetoTask[],
  taskWorkers: number,
): StudyFile {
  const {
    hwModel: _model,
    lambda: _lambda,
    seed: _seed,
    beta: _beta,
    ...shared
  } = tasks[0].settings;
  return {
    format: "uboost-pareto/2",
    data: resolve(dataDir),
    shared,
    beta,
    space,
    grid,
    taskWorkers,
  };
}

/** The threads per task a study in `outDir` recorded, if there is one. */
export function recordedTaskWorkers(outDir: string): number | undefined {
  const path = join(outDir, studyFileName);
  if (!existsSync(path)) return undefined;
  const saved = JSON.parse(readFileSync(path, "utf8")) as Partial<StudyFile> | null;
  return saved?.taskWorkers ?? 1;
}

/** A resumed study keeps the threads per task it `recorded`: another count is refused. */
export function checkTaskWorkers(outDir: string, recorded: number, taskWorkers: number): void {
  if (recorded === taskWorkers) return;
  throw new InputError(
    `--resume: ${outDir} ran each task on ${recorded} thread${recorded === 1 ? "" : "s"} (now ${taskWorkers}); pass --task-workers ${recorded}`,
  );
}

/**
 * Opens `outDir` for the study: a folder holding another study is refused without --resume, and
 * with --resume it must hold this study's shared settings. Writes pareto.json.
 */
export function openStudy(outDir: string, study: StudyFile, resume: boolean): void {
  const path = join(outDir, studyFileName);
  if (existsSync(path)) {
    if (!resume) {
      throw new InputError(
        `--out: ${outDir} already holds a pareto study; pass --resume to continue it or choose another folder`,
      );
    }
    const saved = JSON.parse(readFileSync(path, "utf8")) as StudyFile;
    const sameStudy = (file: StudyFile) =>
      JSON.stringify({ data: file.data, shared: file.shared, beta: file.beta, space: file.space });
    if (saved.format !== study.format) {
      throw new InputError(
        `--resume: ${path} is a ${saved.format} study (this uboost runs ${study.format}); start a new folder`,
      );
    }
    if (sameStudy(saved) !== sameStudy(study)) {
      throw new InputError(
        `--resume: ${path} was run with other data, preset, β or search flags; use the same ones (the lists of models, λs and seeds may change)`,
      );
    }
    checkTaskWorkers(outDir, saved.taskWorkers ?? 1, study.taskWorkers ?? 1);
  }
  mkdirSync(outDir, { recursive: true });
  writeFileAtomic(path, `${JSON.stringify(study, null, 2)}\n`);
}
