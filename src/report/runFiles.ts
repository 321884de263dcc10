/** Reading a run's files as they stand, a run still writing included. */
import { existsSync } from "node:fs";
import { InputError } from "../errors.js";
import { readJsonFile, readText } from "../files/readFile.js";

/**
 * The rows of a JSON-lines file (none when it does not exist yet). A run appends its lines, so
 * a last line with no newline that does not parse is one being written, or torn by a kill (its
 * --resume rewrites it): it is left out rather than refused.
 */
export function readJsonLines<Row>(path: string): Row[] {
  if (!existsSync(path)) return [];
  const lines = readText(path).split("\n");
  const last = lines.length - 1;
  return lines.flatMap((line, i) => {
    if (line.trim() === "") return [];
    try {
      return [JSON.parse(line) as Row];
    } catch (error) {
      if (i === last) return [];
      throw new InputError(`${path} line ${i + 1}: malformed JSON (${(error as Error).message})`);
    }
  });
}

/** A JSON file's value, or undefined when the run has not written it yet. */
export function readOptionalJson<Value>(path: string): Value | undefined {
  return existsSync(path) ? (readJsonFile(path) as Value) : undefined;
}

/** Settings as table rows: nested values as compact JSON. */
export function settingsRows(settings: Record<string, unknown>): (string | number)[][] {
  return Object.entries(settings).map(([key, value]) => [
    key,
    typeof value === "object" && value !== null ? JSON.stringify(value) : String(value),
  ]);
}
