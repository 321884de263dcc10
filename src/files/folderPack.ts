/**
 * A folder's files as plain data (relative path, base64 bytes), so a job's result can carry them
 * through Redis to a machine that shares no filesystem with the worker, and written back there.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "./atomicWrite.js";
import { containedPath, relativePathProblem } from "./containedPath.js";
import { filesUnder } from "./filesUnder.js";

export interface PackedFile {
  /** relative to the folder, "/"-separated */
  path: string;
  base64: string;
}

/** Every file under `dir` that `keep` accepts (by relative path), in sorted order. */
export function packFolder(
  dir: string,
  keep: (path: string) => boolean,
  maxBytes: number,
): PackedFile[] {
  const files = filesUnder(dir).filter(keep);
  let bytes = 0;
  return files.map((path) => {
    const data = readFileSync(join(dir, path));
    bytes += data.length;
    if (bytes > maxBytes) {
      throw new Error(
        `${dir}: its files pass ${maxBytes / 2 ** 20} MiB, more than a result may carry`,
      );
    }
    return { path, base64: data.toString("base64") };
  });
}

/** What is wrong with `files` as a packed folder, or undefined. */
export function packedFilesProblem(files: unknown): string | undefined {
  if (!Array.isArray(files)) return "files must be a list";
  for (const [i, file] of files.entries()) {
    const { path, base64 } = (file ?? {}) as Partial<PackedFile>;
    const problem = relativePathProblem(path);
    if (problem !== undefined) return `files[${i}].path ${problem}`;
    if (typeof base64 !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64))
      return `files[${i}].base64 must be base64 text`;
  }
  return undefined;
}

/** Writes checked files under `dir` in the given order, each whole or not at all. */
export function unpackFolder(dir: string, files: readonly PackedFile[]): void {
  for (const { path, base64 } of files) {
    const target = containedPath(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileAtomic(target, Buffer.from(base64, "base64"));
  }
}
