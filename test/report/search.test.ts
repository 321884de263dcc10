/**
 * `uboost report` of a smoke search and of its final training: the page's data is the run's,
 * its links reach the run's files, a run in progress is shown as far as it got, --watch follows
 * the run, and in headless Chromium from file:// with no network every chart draws.
 */
import { spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../src/projectRoot.js";
import { runCli } from "../cli/runCli.js";
import { browserIt, expectEveryChartDrawn, pageJson, sourceLinks } from "./pageCheck.js";

const data = join(projectRoot(), "data", "cifar10-mini");
const root = mkdtempSync(join(tmpdir(), "uboost-report-"));
const run = join(root, "search");
const lines = (path: string) => readFileSync(path, "utf8").trimEnd().split("\n");

beforeAll(() => {
  const search = runCli(["search", "--data", data, "--preset", "smoke", "--out", run]);
  expect(search.status, search.stderr).toBe(0);
}, 120_000);

/** A copy of the run as it stood after its first epoch (the micro stage's only one). */
function firstEpochOf(dir: string): void {
  mkdirSync(dir);
  copyFileSync(join(run, "state.json"), join(dir, "state.json"));
  for (const file of ["metrics.jsonl", "probabilities.jsonl"])
    writeFileSync(join(dir, file), `${lines(join(run, file))[0]}\n`);
}

describe("uboost report of a search run", () => {
  it("writes one page holding the run's figures, with links to its files and no network use", () => {
    const { status, stdout, stderr } = runCli(["report", run, "--json"]);
    expect(status, stderr).toBe(0);
    const written = JSON.parse(stdout);
    expect(Object.keys(written)).toEqual(["out", "kind", "status", "finished", "charts", "bytes"]);
    expect(written).toMatchObject({ kind: "search", finished: true, charts: 10 });
    const page = readFileSync(join(run, "report.html"), "utf8");
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    const report = pageJson(page, "uboost-data");
    expect(report.metrics).toEqual(lines(join(run, "metrics.jsonl")).map((l) => JSON.parse(l)));
    // the micro stage's one epoch: a probability per edge and op, each edge's summing to 1
    const micro = JSON.parse(lines(join(run, "probabilities.jsonl"))[0]);
    expect(report.opProbabilities).toHaveLength(9 * 8);
    expect(report.opProbabilities[8]).toMatchObject({
      edge: "x_p→t2",
      op: "conv3x3",
      epoch: 1,
      probability: micro.probabilities[1][0],
    });
    // the simulator table is the network the search timed: its total is final.json's runtime
    const final = JSON.parse(readFileSync(join(run, "final.json"), "utf8"));
    expect(report.simulator.total.runtimeMs * 1e3).toBeCloseTo(final.runtimeUs, 9);
    expect(report.simulator.total.util).toBeCloseTo(final.utilization, 12);
    const arch = JSON.parse(readFileSync(join(run, "arch.json"), "utf8"));
    const chosen = report.channelProbabilities.filter((cell: { chosen: boolean }) => cell.chosen);
    expect(chosen.map((cell: { slot: string }) => cell.slot)).toEqual(
      arch.channels
        .filter((c: { probabilities?: object }) => c.probabilities)
        .map((c: { slot: string }) => c.slot),
    );
    // the channel stage's one epoch: each layer's Σ p · width over its options, worked here
    const channel = JSON.parse(lines(join(run, "probabilities.jsonl"))[1]);
    expect(channel.stage).toBe("channel");
    const searched = arch.channels.filter((c: { probabilities?: object }) => c.probabilities);
    expect(report.expectedWidths).toHaveLength(searched.length);
    searched.forEach(
      (entry: { slot: string; probabilities: Record<string, number> }, i: number) => {
        const widths = Object.keys(entry.probabilities).map(Number);
        const expected = widths.reduce(
          (sum, width, j) => sum + channel.probabilities[i][j] * width,
          0,
        );
        expect(report.expectedWidths[i]).toEqual({
          slot: entry.slot,
          epoch: 1,
          channels: expected,
        });
      },
    );
    const links = sourceLinks(page).map((href) => resolve(run, decodeURIComponent(href)));
    expect(links.map((path) => path.slice(run.length + 1)).sort()).toEqual([
      "arch.json",
      "final.json",
      "metrics.jsonl",
      "probabilities.jsonl",
      "state.json",
    ]);
  });

  it("shows a run in progress as far as it got", () => {
    const partial = join(root, "partial");
    firstEpochOf(partial);
    const { status, stdout, stderr } = runCli(["report", partial, "--json"]);
    expect(status, stderr).toBe(0);
    const written = JSON.parse(stdout);
    expect(written).toMatchObject({ finished: false, charts: 6 });
    expect(written.status).toBe("in progress: micro stage, epoch 1 of 1 done");
    const page = readFileSync(join(partial, "report.html"), "utf8");
    expect(page).not.toContain("Chosen architecture");
    expect(page).not.toContain("location.reload");
  });

  it("--watch rewrites the page as the run writes, the page reloading itself until the run has finished", async () => {
    const followed = join(root, "followed");
    firstEpochOf(followed);
    const page = join(followed, "report.html");
    const cli = join(projectRoot(), "dist/src/cli/main.js");
    const child = spawn(process.execPath, [
      cli,
      "report",
      followed,
      "--watch",
      "--interval",
      "0.5",
    ]);
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    try {
      await waitFor(() => existsSync(page) && readFileSync(page, "utf8").includes("in progress"));
      expect(readFileSync(page, "utf8")).toContain("location.reload");
      for (const file of ["metrics.jsonl", "probabilities.jsonl", "arch.json", "final.json"])
        copyFileSync(join(run, file), join(followed, file));
      // final.json ends the run: the last page is written, stops reloading, and watching stops
      expect(await exited).toBe(0);
      const last = readFileSync(page, "utf8");
      expect(last).toContain("Chosen architecture");
      expect(last).toContain("finished: test top-1");
      expect(last).not.toContain("location.reload");
      expect(stderr).toContain(`${followed}: the run has finished; stopped watching`);
    } finally {
      child.kill();
    }
    // a finished run has nothing to watch
    const again = runCli(["report", followed, "--watch", "--interval", "0.5"]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toBe(`${followed}: the run has finished; nothing to watch\n`);
    expect(readFileSync(page, "utf8")).not.toContain("location.reload");
  });

  it("reports a training run: the search's final training folder", () => {
    const final = join(run, "final");
    const { status, stdout, stderr } = runCli(["report", final, "--json"]);
    expect(status, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ kind: "train", finished: true, charts: 6 });
    const report = pageJson(readFileSync(join(final, "report.html"), "utf8"), "uboost-data");
    const model = JSON.parse(readFileSync(join(final, "model", "model.json"), "utf8"));
    expect(report.testTop1).toBe(model.userDefinedMetadata.testTop1);
    expect(report.metrics).toHaveLength(1);
  });

  it("refuses a path that holds no run, in one line with exit code 2", () => {
    const empty = join(root, "empty");
    mkdirSync(empty);
    const refused = runCli(["report", empty]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(
      `uboost: ${empty}: not a uboost output (a search, train or pareto folder, a sweep's rows, or proxy --json output)\n`,
    );
    expect(existsSync(join(empty, "report.html"))).toBe(false);
    const missing = runCli(["report", join(root, "nowhere")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nowhere: no such file or folder\n$/);
  });

  browserIt("opens from file:// with no network and draws every chart", async () => {
    runCli(["report", run]);
    runCli(["report", join(run, "final")]);
    await expectEveryChartDrawn(join(run, "report.html"), "report-search.png", 10);
    await expectEveryChartDrawn(join(run, "final", "report.html"), "report-train.png", 6);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out waiting");
    await new Promise((done) => setTimeout(done, 100));
  }
}
