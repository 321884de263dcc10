import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder holding package.json. Sources run from src/ under vitest and from dist/src/ once
 * built, so paths to build/ and data/ are resolved from the package root, not from this file.
 */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`uboost: package.json not found above ${import.meta.url}`);
    dir = parent;
  }
  return dir;
}
