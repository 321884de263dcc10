/**
 * Reads a study's results.csv back (results.ts writes it) into what the tables need, so a study's
 * Table 4 and hypervolumes can be recomputed without running anything (`pareto --summarize`).
 * Files from before the beta column read with β unknown; files from before units were named in
 * the header (testTop1 and utilization as fractions) read as they were written.
 */
import { basename } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { fieldError, InputError } from "../errors.js";
import { readText } from "../files/readFile.js";
import type { SummaryRecord } from "./summary.js";
import { taskKey } from "./tasks.js";

export interface StudyResults {
  records: SummaryRecord[];
  /** in the file's order (a study writes them model-major, as its grid) */
  models: string[];
  lambdas: number[];
}

/** The header's accuracy and utilization columns and their unit's share of a whole. */
const units = {
  percent: { top1: "testTop1Percent", utilization: "utilizationPercent", perWhole: 100 },
  fraction: { top1: "testTop1", utilization: "utilization", perWhole: 1 },
} as const;
type Units = (typeof units)[keyof typeof units];

const unitsOf = (header: string[]): Units =>
  header.includes(units.fraction.top1) && !header.includes(units.percent.top1)
    ? units.fraction
    : units.percent;

export function readResultsFile(path: string): StudyResults {
  const file = basename(path);
  const [header, ...rows] = parseRows(readText(path), file);
  if (header === undefined) throw new InputError(`${file}: empty file (expected a header row)`);
  const unit = unitsOf(header);
  const required = ["model", "lambda", "seed", "status", unit.top1, "runtimeUs", unit.utilization];
  for (const name of required) {
    if (!header.includes(name)) {
      throw new InputError(`${file}: no "${name}" column (not a uboost pareto results.csv?)`);
    }
  }
  if (rows.length === 0) throw new InputError(`${file}: no task rows after the header`);
  const seen = new Set<string>();
  const records = rows.map((row, i) => {
    const where = `${file} row ${i + 1}`;
    if (row.length !== header.length) {
      throw new InputError(`${where}: ${row.length} fields, the header has ${header.length}`);
    }
    const fields = Object.fromEntries(header.map((name, j) => [name, row[j]]));
    const record = recordOf(fields, unit, where);
    if (seen.has(record.task.key)) {
      throw new InputError(`${where}: task ${record.task.key} appears twice`);
    }
    seen.add(record.task.key);
    return record;
  });
  const unique = <T>(items: T[]) => [...new Set(items)];
  return {
    records,
    models: unique(records.map((record) => record.task.model)),
    lambdas: unique(records.map((record) => record.task.lambda)),
  };
}

function recordOf(fields: Record<string, string>, unit: Units, where: string): SummaryRecord {
  const number = (name: string, check: (value: number) => boolean, wanted: string) => {
    const text = fields[name];
    const value = text.trim() === "" ? Number.NaN : Number(text);
    if (!check(value)) throw fieldError(where, name, `must be ${wanted} (got "${text}")`);
    return value;
  };
  const nonNegative = (value: number) => Number.isFinite(value) && value >= 0;
  const share = (value: number) => nonNegative(value) && value <= unit.perWhole;
  const shareWanted = unit === units.percent ? "a percentage in [0, 100]" : "a fraction in [0, 1]";
  const model = fields.model;
  if (model === "") throw fieldError(where, "model", "is empty");
  const lambda = number("lambda", nonNegative, "a number >= 0");
  const seed = number(
    "seed",
    (value) => Number.isSafeInteger(value) && value >= 0,
    "an integer >= 0",
  );
  const beta = "beta" in fields ? number("beta", nonNegative, "a number >= 0") : undefined;
  const task = { key: taskKey(model, lambda, seed), model, lambda, seed, beta };
  const status = fields.status;
  if (status === "failed") return { task, status };
  if (status !== "ok") throw fieldError(where, "status", `must be ok or failed (got "${status}")`);
  const finished = {
    testTop1: number(unit.top1, share, shareWanted) / unit.perWhole,
    runtimeUs: number("runtimeUs", (value) => nonNegative(value) && value > 0, "a number > 0"),
    utilization: number(unit.utilization, share, shareWanted) / unit.perWhole,
  };
  return { task, status, finished };
}

function parseRows(text: string, file: string): string[][] {
  try {
    return parseCsv(text, { skip_empty_lines: true, relax_column_count: true });
  } catch (error) {
    throw new InputError(`${file}: malformed CSV (${(error as Error).message})`);
  }
}
