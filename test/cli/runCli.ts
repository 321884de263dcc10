import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "../../src/projectRoot.js";

/** Runs the built CLI as a user would (test/setup/freshBuild.ts rebuilds it when stale). */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
) {
  const result = spawnSync(
    process.execPath,
    [join(projectRoot(), "dist/src/cli/main.js"), ...args],
    {
      encoding: "utf8",
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : undefined,
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
