/**
 * `uboost report` of sweep outputs (CSV, JSON Lines, Parquet) and of a proxy study's --json
 * output: the page's summary is the sweep's own, a family's curve holds the utilization worked by
 * hand, and in headless Chromium every chart draws.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/runCli.js";
import { browserIt, expectEveryChartDrawn, pageJson } from "./pageCheck.js";

const root = mkdtempSync(join(tmpdir(), "uboost-report-sweep-"));
const nets = join(root, "nets.csv");
const curve = join(root, "curve.jsonl");
const plane = join(root, "plane.parquet");
const proxy = join(root, "proxy.json");
let swept: { summary: object };

function cli(args: string[]) {
  const run = runCli(args);
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

beforeAll(() => {
  const grid = ["--arrays", "32x32,128x128", "--workers", "1"];
  swept = JSON.parse(
    cli([
      "sweep",
      "--nets",
      "resnet18,vgg16",
      ...grid,
      "--batches",
      "1,8",
      "--out",
      nets,
      "--json",
    ]),
  );
  cli(["sweep", "--family", "conv:k=3,c=64,f=8..512:8,h=8,w=8", ...grid, "--out", curve]);
  cli(["sweep", "--family", "conv:k=3,c=8..64:8,f=8..64:8,h=8,w=8", ...grid, "--out", plane]);
  const study = ["proxy", "--samples", "200", "--devices", "32x32,64x64,128x128", "--workers", "1"];
  writeFileSync(proxy, cli([...study, "--json"]));
}, 120_000);

const report = (path: string) => {
  const written = JSON.parse(cli(["report", path, "--json"]));
  return { written, data: pageJson(readFileSync(written.out, "utf8"), "uboost-data") };
};

describe("uboost report of a sweep", () => {
  it("a network × array grid: the sweep's own summary, each row's fastest array", () => {
    const { written, data } = report(nets);
    expect(written).toMatchObject({ kind: "sweep", charts: 1, out: join(root, "nets.html") });
    expect(data.summary).toEqual(swept.summary);
  });

  it("a sweep still writing (its output locked by a live run) is in progress; its end finishes it", () => {
    const lock = `${nets}.lock`;
    writeFileSync(lock, `${process.pid}\n`);
    try {
      const writing = report(nets).written;
      expect(writing).toMatchObject({ finished: false });
      expect(writing.status).toMatch(/still being written$/);
    } finally {
      rmSync(lock);
    }
    expect(report(nets).written).toMatchObject({ finished: true });
  });

  it("a family of one range: its sawtooth, utilization as worked by hand", () => {
    const { written, data } = report(curve);
    expect(written).toMatchObject({ charts: 2 });
    const on128 = data.curves.find((c: { array: string }) => c.array === "128x128");
    const at = (f: number) =>
      on128.points.find((point: { values: number[] }) => point.values[0] === f).util;
    // k1k2c = 576 → ⌈576/128⌉ = 5 row folds; f = 128 fills one column fold, f = 136 spills into two
    expect(at(128)).toBeCloseTo((9 * 64 * 128) / (128 * 128 * 5 * 1), 12);
    expect(at(136)).toBeCloseTo((9 * 64 * 136) / (128 * 128 * 5 * 2), 12);
    expect(on128.points).toHaveLength(64);
  });

  it("a family of two ranges, from Parquet: its heatmap over both fields", () => {
    const { written, data } = report(plane);
    expect(written).toMatchObject({ charts: 2 });
    expect(data.curves.map((c: { fields: string[] }) => c.fields)).toEqual([
      ["c", "f"],
      ["c", "f"],
    ]);
    expect(data.curves[0].points).toHaveLength(64);
  });
});

describe("uboost report of a proxy study", () => {
  it("the SRCC heatmap and AdaProxy's curves from proxy --json", () => {
    const output = JSON.parse(readFileSync(proxy, "utf8"));
    const { written, data } = report(proxy);
    expect(written).toMatchObject({ kind: "proxy", charts: 1 });
    expect(data).toEqual(output);
    const page = readFileSync(written.out, "utf8");
    expect(page).toContain(`<td>${output.srcc[0][1].toFixed(3)}</td>`);
  });

  browserIt(
    "sweep and proxy pages open from file:// with no network; every chart draws",
    async () => {
      await expectEveryChartDrawn(join(root, "nets.html"), "report-sweep-grid.png", 1);
      await expectEveryChartDrawn(join(root, "curve.html"), "report-sweep-curve.png", 2);
      await expectEveryChartDrawn(join(root, "plane.html"), "report-sweep-heatmap.png", 2);
      await expectEveryChartDrawn(join(root, "proxy.html"), "report-proxy.png", 1);
    },
  );
});
