/**
 * Paths that arrive from elsewhere (a queued job, a job's result) and must stay inside a folder
 * of ours: relative, "/"-separated, without empty, "." or ".." segments.
 */
import { resolve, sep } from "node:path";

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
