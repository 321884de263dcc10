import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";

/**
 * A text file's contents; an unreadable path is an InputError naming it. A leading UTF-8
 * byte-order mark (spreadsheet exports) is dropped.
 */
export function readText(path: string): string {
  return readOrExplain(path, () => readFileSync(path, "utf8").replace(/^\uFEFF/, ""));
}

/** A binary file's bytes (an ONNX model); an unreadable path is an InputError naming it. */
export function readBytes(path: string): Uint8Array {
  return readOrExplain(path, () => readFileSync(path));
}

function readOrExplain<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder" : code;
    throw new InputError(`${path}: cannot read (${reason})`);
  }
}

/**
 * A JSON file's value; unreadable or malformed files are an InputError naming the path
 * (`malformed` words the second case for the kind of file expected).
 */
export function readJsonFile(
  path: string,
  malformed = (detail: string) => `malformed JSON (${detail})`,
): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path}: ${malformed((error as Error).message)}`);
  }
}
