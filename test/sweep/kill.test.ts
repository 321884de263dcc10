import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../src/projectRoot.js";
import { runCli } from "../cli/runCli.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-sweep-kill-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = join(projectRoot(), "dist/src/cli/main.js");
// 262,144 rows, ~37 MB of CSV in chunks of 16,384 rows
const args = (out: string) => [
  "sweep",
  "--family",
  "conv:k=3,c=1..512,f=1..512,h=32,w=32",
  "--arrays",
  "128x128",
  "--out",
  out,
];

describe("a sweep killed while it writes", () => {
  it("leaves a prefix of the uninterrupted run's file, no gap; --resume ends with the same bytes", async () => {
    const whole = join(dir, "whole.csv");
    expect(runCli([...args(whole), "--workers", "2"]).status).toBe(0);

    const killed = join(dir, "killed.csv");
    const run = spawn(process.execPath, [cli, ...args(killed), "--workers", "1"], {
      stdio: "ignore",
    });
    const exited = new Promise((resolve) => run.on("exit", resolve));
    for (let waited = 0; !existsSync(killed) || statSync(killed).size < 4 << 20; waited++) {
      if (waited > 1200) throw new Error("the sweep wrote nothing");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    run.kill("SIGKILL");
    await exited;
    const cut = readFileSync(killed);
    const expected = readFileSync(whole);
    expect(cut.length).toBeLessThan(expected.length);
    // a prefix of the file the sweep would have written: no zeros, nothing out of place
    expect(cut.equals(expected.subarray(0, cut.length))).toBe(true);

    const resumed = runCli([...args(killed), "--workers", "2", "--resume", "--json"]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).rows.resumed).toBeGreaterThan(0);
    expect(readFileSync(killed).equals(expected)).toBe(true);
  }, 120_000);
});
