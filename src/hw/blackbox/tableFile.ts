/** Blackbox table files: JSON, checked field by field on reading, written atomically. */
import { InputError } from "../../errors.js";
import { writeFileAtomic } from "../../files/atomicWrite.js";
import { readJsonFile } from "../../files/readFile.js";
import {
  type BlackboxSection,
  type BlackboxTable,
  blackboxTypes,
  sectionSize,
  tableFormat,
} from "./table.js";

/** Reads and checks a table file; every problem is an InputError naming the file. */
export function readBlackboxTable(path: string): BlackboxTable {
  const parsed = readJsonFile(path, (detail) => `not a blackbox table (malformed JSON: ${detail})`);
  const problem = tableProblem(parsed);
  if (problem !== undefined) throw new InputError(`${path}: not a blackbox table (${problem})`);
  return parsed as BlackboxTable;
}

const isPositiveIntegers = (value: unknown) =>
  Array.isArray(value) && value.length > 0 && value.every((v) => Number.isSafeInteger(v) && v > 0);
const isIncreasing = (values: number[]) => values.every((v, i) => i === 0 || v > values[i - 1]);

/** What is wrong with a parsed table, or undefined. */
export function tableProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return "expected a JSON object";
  const table = value as Partial<BlackboxTable>;
  if (table.format !== tableFormat)
    return `format is ${JSON.stringify(table.format)}, expected "${tableFormat}"`;
  if (table.simulator !== undefined && table.simulator !== "csim")
    return `simulator is ${JSON.stringify(table.simulator)}, expected "csim" or none`;
  if (!isPositiveIntegers(table.array) || table.array?.length !== 2)
    return "array must be [rows, cols]";
  for (const field of ["sramBytes", "bandwidthBytesPerSec", "bytesPerOperand"] as const) {
    const measured = table[field];
    const unlimitedAllowed = field !== "bytesPerOperand";
    if (
      !((unlimitedAllowed && measured === null) || (typeof measured === "number" && measured > 0))
    ) {
      return `${field} must be a positive number${unlimitedAllowed ? " or null (unlimited)" : ""}`;
    }
  }
  if (!Number.isSafeInteger(table.dilation) || (table.dilation as number) < 1)
    return "dilation must be a positive integer";
  for (const axis of ["channels", "batches"] as const) {
    const values = table[axis];
    if (!isPositiveIntegers(values) || !isIncreasing(values as number[]))
      return `${axis} must be increasing positive integers`;
  }
  if (!Array.isArray(table.sections) || table.sections.length === 0) return "no sections";
  for (const [i, section] of table.sections.entries()) {
    const problem = sectionProblem(table as BlackboxTable, section);
    if (problem !== undefined) return `section ${i + 1}: ${problem}`;
  }
  return undefined;
}

function sectionProblem(table: BlackboxTable, section: BlackboxSection): string | undefined {
  if (!(blackboxTypes as readonly string[]).includes(section?.type))
    return `unknown type ${JSON.stringify(section?.type)}`;
  if (!Number.isSafeInteger(section.kernel) || section.kernel < 1)
    return "kernel must be a positive integer";
  if (!isPositiveIntegers(section.outSizes) || !isIncreasing(section.outSizes))
    return "outSizes must be increasing positive integers";
  if (
    section.channels !== undefined &&
    !(isPositiveIntegers(section.channels) && isIncreasing(section.channels))
  )
    return "channels must be increasing positive integers";
  const size = sectionSize(table, section);
  if (!Array.isArray(section.cycles) || section.cycles.length !== size)
    return `expected ${size} cycle counts`;
  if (!section.cycles.every((cycles) => Number.isFinite(cycles) && cycles >= 0))
    return "cycles must be non-negative numbers";
  return undefined;
}

/** Written whole or not at all, so an interrupted build never leaves half a table. */
export function writeBlackboxTable(path: string, table: BlackboxTable): void {
  writeFileAtomic(path, `${JSON.stringify(table)}\n`);
}
