/**
 * vitest globalSetup. The CLI tests spawn the compiled CLI and the worker pools run compiled
 * workers, so `vitest` after an edit without a build would test yesterday's code: when any output
 * in dist/ or build/ is missing or older than its source, build first.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { projectRoot } from "../../src/projectRoot.js";

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => join(dir, file));
}

const modified = (file: string) => (existsSync(file) ? statSync(file).mtimeMs : -1);

/** The first source whose output is missing or older, or undefined when the build is fresh. */
export function staleSource(root: string): string | undefined {
  const wasm = modified(join(root, "build", "uboost.wasm"));
  const assembly = sourcesUnder(join(root, "assembly")).find((file) => modified(file) > wasm);
  if (assembly !== undefined) return relative(root, assembly);
  const typescript = [...sourcesUnder(join(root, "src")), ...sourcesUnder(join(root, "bench"))];
  return typescript
    .map((file) => relative(root, file))
    .find((file) => {
      const output = join(root, "dist", file.replace(/\.ts$/, ".js"));
      return modified(output) < modified(join(root, file));
    });
}

export default function setup(): void {
  const root = projectRoot();
  const stale = staleSource(root);
  if (stale === undefined) return;
  process.stderr.write(`dist/ or build/ is older than ${stale}: running npm run build first\n`);
  execFileSync(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "build"], {
    cwd: root,
    stdio: "inherit",
  });
}
