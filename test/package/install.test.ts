import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../src/projectRoot.js";
import { runCli } from "../cli/runCli.js";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

/**
 * The package as users get it: `npm pack`, then an install without dev dependencies into an empty
 * folder, so neither asc nor tsc is there. --ignore-scripts on pack: the test run has just built
 * dist/ and build/, and rebuilding them now would pull them from under the other test files.
 */
describe("npm pack → npm install --omit=dev", () => {
  const root = mkdtempSync(join(tmpdir(), "uboost-pack-"));
  // an installed node_modules takes more than the default 10 s to delete on loaded cores
  afterAll(() => rmSync(root, { recursive: true, force: true }), 120_000);

  it("installs a uboost that runs without the dev toolchain", { timeout: 300_000 }, () => {
    const packed = JSON.parse(
      run(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", root], projectRoot()),
    )[0];
    const files: string[] = packed.files.map((file: { path: string }) => file.path);
    expect(files).toContain("build/uboost.wasm");
    expect(files).toContain("dist/src/cli/main.js");
    expect(files.some((file) => file.startsWith("src/") || file.startsWith("test/"))).toBe(false);

    const app = join(root, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), '{ "name": "app", "private": true }\n');
    const installArgs = ["install", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline"];
    run(npm, [...installArgs, join(root, packed.filename)], app);
    const installed = join(app, "node_modules", ".bin", "uboost");

    const { version } = JSON.parse(readFileSync(join(projectRoot(), "package.json"), "utf8"));
    expect(run(installed, ["--version"], app).trim()).toBe(version);
    const costArgs = ["cost", "--net", "resnet18", "--array", "128x64", "--json"];
    const fromClone = runCli(costArgs);
    expect(fromClone.status).toBe(0);
    expect(run(installed, costArgs, app)).toBe(fromClone.stdout);
  });
});
