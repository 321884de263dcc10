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
  /** the task's utilization weight (studyBeta) */
  beta: number;
  settings: SearchSettings;
}

export interface ParetoGrid {
  models: string[];
  lambdas: number[];
  seeds: number[];
}

/**
 * The study's utilization weight β and whom it applies to. In the authors' CIFAR-10 script (the
 * one behind Table 4) only U-Boost has the utilization term: the FLOPS, roofline and blackbox
 * searches run with β = 0, on latency alone. `all` gives every model the β instead.
 */
export interface BetaRule {
  beta: number;
  all: boolean;
}

/** the cost models whose searches keep the utilization term by default */
export const utilizationModels: readonly string[] = ["systolic"];

export function studyBeta(model: string, rule: BetaRule): number {
  return rule.all || utilizationModels.includes(model) ? rule.beta : 0;
}

export const taskKey = (model: string, lambda: number, seed: number) =>
  `${model}-l${lambda}-s${seed}`;

export const tasksDir = (outDir: string) => join(outDir, "tasks");
export const taskDir = (outDir: string, task: Pick<ParetoTask, "key">) =>
  join(tasksDir(outDir), task.key);

/**
 * Every (model, λ, seed), model-major as the tables read. `settingsOf` builds one task's search
 * settings (the preset with the flags on top), so the CLI's validation applies to each task;
 * the β rule then sets each task's β.
 */
export function paretoTasks(
  grid: ParetoGrid,
  betaRule: BetaRule,
  settingsOf: (model: string, lambda: number, seed: number) => SearchSettings,
): ParetoTask[] {
  return grid.models.flatMap((model) => {
    const beta = studyBeta(model, betaRule);
    return grid.lambdas.flatMap((lambda) =>
      grid.seeds.map((seed) => ({
        key: taskKey(model, lambda, seed),
        model,
        lambda,
        seed,
        beta,
        settings: { ...settingsOf(model, lambda, seed), beta },
      })),
    );
  });
}
