/** What a path holds, told from the files each command writes. */
import { existsSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { InputError } from "../errors.js";
import { readJsonFile } from "../files/readFile.js";
import { isProxyOutput } from "./proxyReport.js";

export type ReportKind = "search" | "train" | "pareto" | "sweep" | "proxy";

export function detectReport(path: string): ReportKind {
  if (!existsSync(path)) throw new InputError(`${path}: no such file or folder`);
  if (statSync(path).isDirectory()) {
    // a study's folder holds pareto.json from its start; each task is a search folder of its own
    if (existsSync(join(path, "pareto.json"))) return "pareto";
    if (existsSync(join(path, "state.json"))) return "search";
    if (existsSync(join(path, "checkpoint.json")) || existsSync(join(path, "metrics.jsonl")))
      return "train";
  } else {
    const extension = extname(path).toLowerCase();
    if ([".csv", ".jsonl", ".ndjson", ".parquet"].includes(extension)) return "sweep";
    if (extension === ".json" && isProxyOutput(readJsonFile(path))) return "proxy";
  }
  throw new InputError(
    `${path}: not a uboost output (a search, train or pareto folder, a sweep's rows, or proxy --json output)`,
  );
}
