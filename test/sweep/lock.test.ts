import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/projectRoot.js";
import { runCli } from "../cli/runCli.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-sweep-lock-"));
const cli = join(projectRoot(), "dist/src/cli/main.js");
// long enough (about 500k simulated rows) to be caught running
const grid = ["sweep", "--family", "conv:k=3,c=8..4096:8,f=8..4096:8,h=32,w=32"];
const args = (out: string) => [...grid, "--arrays", "8x8,16x16", "--model", "sim", "--out", out];

async function until(condition: () => boolean, seconds: number): Promise<void> {
  for (let waited = 0; !condition(); waited += 0.05) {
    if (waited > seconds) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("sweep output lock", () => {
  it("a second run on the same --out refuses with one line; a killed run's lock is taken over", async () => {
    const out = join(dir, "rows.csv");
    const first = spawn(process.execPath, [cli, ...args(out), "--workers", "1"], {
      stdio: "ignore",
    });
    const exited = new Promise((resolve) => first.on("exit", resolve));
    await until(() => existsSync(`${out}.lock`), 30);
    const second = runCli([...args(out), "--resume", "--workers", "1"]);
    expect(second.status).toBe(2);
    expect(second.stdout).toBe("");
    expect(second.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(second.stderr).toMatch(
      new RegExp(`--out .*rows\\.csv: another uboost run \\(pid ${first.pid}\\) is writing it`),
    );
    first.kill("SIGKILL");
    await exited;
    expect(readFileSync(`${out}.lock`, "utf8").trim()).toBe(String(first.pid));
    // kill -9 left its lock; --resume takes it over and finishes: every row once
    const resumed = runCli([...args(out), "--resume", "--workers", "2", "--json"]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(existsSync(`${out}.lock`)).toBe(false);
    const rows = readFileSync(out, "utf8").trimEnd().split("\n").slice(1);
    const total = 2 * 512 * 512;
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((line) => line.slice(0, line.indexOf(",")))).size).toBe(total);
  }, 180_000);

  it("takes over a lock whose run is gone, and removes it when done", () => {
    const out = join(dir, "small.csv");
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid;
    writeFileSync(`${out}.lock`, `${gone}\n`);
    const run = runCli(["sweep", "--nets", "resnet18", "--arrays", "8x8", "--out", out]);
    expect(run.status).toBe(0);
    expect(existsSync(`${out}.lock`)).toBe(false);
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(2);
  });
});
