import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * Every file under `dir` as a "/"-separated path relative to it, in a fixed order (names sorted
 * by code unit, folder by folder); links are followed, and dotfiles and dot-folders (.DS_Store,
 * .git) left out.
 */
export function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(dir)
    .filter((name) => !name.startsWith("."))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap((name) => {
      const path = join(dir, name);
      const relPath = `${prefix}${name}`;
      return statSync(path).isDirectory() ? filesUnder(path, `${relPath}/`) : [relPath];
    });
}
