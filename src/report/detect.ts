/** What a path holds, told from the files each command writes. */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";

export type ReportKind = "search" | "train" | "pareto";

export function detectReport(path: string): ReportKind {
  if (!existsSync(path)) throw new InputError(`${path}: no such file or folder`);
  if (statSync(path).isDirectory()) {
    // a study's folder holds a results.csv; each of its tasks is a search folder of its own
    if (existsSync(join(path, "results.csv"))) return "pareto";
    if (existsSync(join(path, "state.json"))) return "search";
    if (existsSync(join(path, "checkpoint.json")) || existsSync(join(path, "metrics.jsonl")))
      return "train";
  }
  throw new InputError(
    `${path}: not a uboost search, train or pareto output (no state.json, metrics.jsonl or results.csv)`,
  );
}
