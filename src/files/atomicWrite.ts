import { renameSync, writeFileSync } from "node:fs";

/** Writes a file so readers see the old or the new content, never half of it. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}
