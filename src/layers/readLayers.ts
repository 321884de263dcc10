import { basename, extname } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { InputError } from "../errors.js";
import { readText } from "../files/readFile.js";
import type { Layer } from "./layer.js";
import { isTopology, readTopology } from "./topology.js";
import { requireNonEmpty, validateLayer } from "./validate.js";

/**
 * Reads a layer table: CSV with a header, or a JSON array of objects, with the columns
 * name,type,k1,k2,c,f,h,w,stride,dilation,batch (h × w is the OUTPUT size); or a SCALE-Sim
 * topology (topology.ts). Rows are numbered from 1 after the header in error messages.
 */
export function readLayersFile(path: string, defaultBatch: number): Layer[] {
  const text = readText(path);
  const file = basename(path);
  if (isTopology(text)) return readTopology(text, file, defaultBatch);
  const isJson = extname(path).toLowerCase() === ".json" || /^\s*\[/.test(text);
  const records = isJson ? parseJsonRecords(text, file) : parseCsvRecords(text, file);
  const layers = records.map((record, i) =>
    validateLayer(record, `${file} row ${i + 1}`, defaultBatch),
  );
  return requireNonEmpty(layers, file);
}

function parseJsonRecords(text: string, file: string): Record<string, unknown>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: malformed JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new InputError(`${file}: expected a JSON array of layers`);
  return parsed.map((item, i) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new InputError(`${file} row ${i + 1}: expected an object`);
    }
    return item as Record<string, unknown>;
  });
}

export function parseCsvRecords(text: string, file: string): Record<string, unknown>[] {
  try {
    return parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, comment: "#" });
  } catch (error) {
    throw new InputError(`${file}: malformed CSV (${(error as Error).message})`);
  }
}
