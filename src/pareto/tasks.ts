/**
 * A Pareto study is the grid cost model × λ × seed; each cell is one task: a whole search plus
 * final training (src/search/run.ts) in its own folder, so a task resumes like `uboost search`.
 */
import { join } from "node:path";
import type { SearchSettings } from "../search/settings.js";

export interface ParetoTask {
  /** "systolic-l0.5-s0": the folder name and the id in logs and test hooks */
  key: string;
  model: string;
  lambda: number;
  seed: number;
  settings: SearchSettings;
}

export interface ParetoGrid {
  models: string[];
  lambdas: number[];
  seeds: number[];
}

export const taskKey = (model: string, lambda: number, seed: number) =>
  `${model}-l${lambda}-s${seed}`;

export const tasksDir = (outDir: string) => join(outDir, "tasks");
export const taskDir = (outDir: string, task: Pick<ParetoTask, "key">) =>
  join(tasksDir(outDir), task.key);

/**
 * Every (model, λ, seed), model-major as the tables read. `settingsOf` builds one task's search
 * settings (the preset with the flags on top), so the CLI's validation applies to each task.
 */
export function paretoTasks(
  grid: ParetoGrid,
  settingsOf: (model: string, lambda: number, seed: number) => SearchSettings,
): ParetoTask[] {
  return grid.models.flatMap((model) =>
    grid.lambdas.flatMap((lambda) =>
      grid.seeds.map((seed) => ({
        key: taskKey(model, lambda, seed),
        model,
        lambda,
        seed,
        settings: settingsOf(model, lambda, seed),
      })),
    ),
  );
}
