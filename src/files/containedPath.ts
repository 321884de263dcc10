/**
 * Paths that arrive from elsewhere (a queued job, a job's result) and must stay inside a folder
 * of ours: relative, "/"-separated, without empty, "." or ".." segments.
 */
import { readdirSync, realpathSync, statSync } from "node:fs";
import { join, resolve, sep } from "node:path";

/** What is wrong with `relPath` as a path inside some folder, or undefined. */
export function relativePathProblem(relPath: unknown): string | undefined {
  if (typeof relPath !== "string" || relPath === "") return "must be a non-empty string";
  if (relPath.startsWith("/") || /^[A-Za-z]:/.test(relPath)) return "must be relative";
  if (relPath.includes("\\") || relPath.includes("\0")) return "must use / between names";
  const segments = relPath.split("/");
  if (segments.some((segment) => segment === "" || segment === "." || segment === ".."))
    return "must not contain empty, . or .. segments";
  return undefined;
}

/** `relPath` resolved under `root`; throws when it would leave it (check relativePathProblem first). */
export function containedPath(root: string, relPath: string): string {
  const base = resolve(root);
  const path = resolve(base, relPath);
  if (!path.startsWith(base + sep)) throw new Error(`${relPath} leaves ${root}`);
  return path;
}

/**
 * Folders are read following links (filesUnder), so a link under `root` that leads outside it
 * would let a path that is lexically contained read anything the process can, and a link back
 * into a folder above it makes the tree endless. What is wrong with the first such link from
 * `dir` (or `dir` itself, through a linked parent), named relative to `root`; undefined when
 * every link stays inside and no folder contains itself.
 */
export function linkProblem(root: string, dir: string): string | undefined {
  const realRoot = realpathSync(root);
  const inside = (real: string) => real === realRoot || real.startsWith(realRoot + sep);
  const shown = (path: string) => path.slice(resolve(root).length + 1) || ".";
  const walk = (path: string, above: readonly string[]): string | undefined => {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      return `${shown(path)} is a link that leads nowhere`;
    }
    if (!inside(real)) return `${shown(path)} is a link that leads outside ${root}`;
    if (above.includes(real))
      return `${shown(path)} is a link back into a folder above it (an endless tree)`;
    if (!statSync(real).isDirectory()) return undefined;
    for (const entry of readdirSync(real, { withFileTypes: true })) {
      if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
      const problem = walk(join(path, entry.name), [...above, real]);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
  return walk(resolve(dir), []);
}
