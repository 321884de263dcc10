import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { networkTotal } from "../../src/engine/network.js";
import { InputError } from "../../src/errors.js";
import { costModels, modelContext } from "../../src/hw/models/index.js";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import { fileColumns } from "../../src/sweep/columns.js";
import { parseFamily } from "../../src/sweep/family.js";
import { gridSize, type SweepSpec } from "../../src/sweep/grid.js";
import { parseRow, type TextFormat } from "../../src/sweep/rowFormat.js";
import { runSweep } from "../../src/sweep/run.js";
import { zooNetwork } from "../../src/zoo/index.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-sweep-"));
let files = 0;
const outFile = (extension: string) => join(dir, `rows-${++files}.${extension}`);

/** 2 zoo networks + a 40-member family, on 3 arrays at 2 batches: 252 rows. */
const spec: SweepSpec = {
  networks: [
    { kind: "zoo", name: "resnet18" },
    { kind: "zoo", name: "mobilenetv2" },
    { kind: "family", family: parseFamily("conv:k=3,c=64,f=8..47,h=14,w=14") },
  ],
  arrays: [
    { rows: 32, cols: 32 },
    { rows: 128, cols: 128 },
    { rows: 128, cols: 64 },
  ],
  batches: [1, 8],
  model: "systolic",
  hardware: defaultSimConfig,
};
const total = gridSize(spec);
const options = { workers: 2, chunkRows: 16 };

function readRows(path: string, format: TextFormat, of: SweepSpec = spec) {
  const lines = readFileSync(path, "utf8").split("\n");
  expect(lines.pop()).toBe(""); // every row ends in a newline
  if (format === "csv") lines.shift();
  return lines.map((line, i) => parseRow(format, line, fileColumns(of), `line ${i}`));
}

/** Every grid row exactly once. */
function expectEveryRowOnce(path: string, format: TextFormat) {
  const rows = readRows(path, format).map((row) => row.row as number);
  expect(rows).toHaveLength(total);
  expect(new Set(rows).size).toBe(total);
  expect(Math.max(...rows)).toBe(total - 1);
}

afterEach(() => {
  delete process.env.UBOOST_SWEEP_CRASH;
});

describe("runSweep", () => {
  it("streams every row exactly once (CSV, 2 workers), with costs equal to the model's", async () => {
    const out = outFile("csv");
    const progress: number[] = [];
    const result = await runSweep(spec, {
      ...options,
      out,
      onProgress: ({ done }) => progress.push(done),
    });
    expect(result).toMatchObject({
      totalRows: total,
      costedRows: total,
      resumedRows: 0,
      failedRows: 0,
    });
    expectEveryRowOnce(out, "csv");
    expect(progress.at(-1)).toBe(total);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    const byRow = new Map(readRows(out, "csv").map((row) => [row.row, row]));
    // row 3: resnet18 on 128x128 (array 1), batch 8 (batch 1)
    const want = directCost(zooNetwork("resnet18", 8), 128, 128);
    expect(byRow.get(3)).toMatchObject({
      network: "resnet18",
      rows: 128,
      cols: 128,
      batch: 8,
      ...want,
    });
    expect(byRow.get(3)?.smoothUtil).toBeGreaterThan(0);
  });

  it("writes the same bytes whatever the worker count and chunk size (CSV and JSON Lines)", async () => {
    for (const format of ["csv", "jsonl"]) {
      const files = [];
      for (const [workers, chunkRows] of [
        [1, 252],
        [2, 16],
        [3, 5],
      ]) {
        const out = outFile(format);
        await runSweep(spec, { workers, chunkRows, out });
        files.push(readFileSync(out));
      }
      expect(files[0].length).toBeGreaterThan(4096 * 4); // several blocks of the file's writer
      expect(files[1].equals(files[0])).toBe(true);
      expect(files[2].equals(files[0])).toBe(true);
    }
  });

  it("writes JSON Lines when --out ends in .jsonl", async () => {
    const out = outFile("jsonl");
    await runSweep(spec, { ...options, out });
    expectEveryRowOnce(out, "jsonl");
  });

  it("summarizes each network per array against directly computed costs, best array by runtime", async () => {
    const { summary } = await runSweep(spec, options);
    const entry = summary.entries.find(
      (e) => e.network === "resnet18" && e.array === "128x64" && e.batch === 1,
    );
    const want = directCost(zooNetwork("resnet18", 1), 128, 64);
    expect(entry).toMatchObject({
      rows: 1,
      expectedRows: 1,
      macs: want.macs,
      cycles: want.cycles,
      runtimeMs: want.runtimeMs,
    });
    expect(entry?.util).toBeCloseTo(want.util, 12);

    const costs = spec.arrays.map(({ rows, cols }) => ({
      array: `${rows}x${cols}`,
      ...directCost(zooNetwork("mobilenetv2", 8), rows, cols),
    }));
    const fastest = costs.reduce((a, b) => (b.runtimeMs < a.runtimeMs ? b : a));
    expect(summary.best.find((b) => b.network === "mobilenetv2" && b.batch === 8)).toMatchObject({
      array: fastest.array,
      runtimeMs: fastest.runtimeMs,
    });

    // A family's cell totals all its members: utilization of the members run back to back.
    const family = spec.networks[2].kind === "family" ? spec.networks[2].family : undefined;
    const members = Array.from({ length: 40 }, (_, i) => ({ ...familyMember(8 + i) }));
    const familyWant = directCost(members, 32, 32);
    const familyEntry = summary.entries.find(
      (e) => e.network === family?.label && e.array === "32x32" && e.batch === 1,
    );
    expect(familyEntry).toMatchObject({
      rows: 40,
      expectedRows: 40,
      macs: familyWant.macs,
      cycles: familyWant.cycles,
    });
  });

  it("--resume after a cut mid-file (partial last line) and lost rows: full set, no duplicates", async () => {
    const out = outFile("csv");
    await runSweep(spec, { ...options, out });
    const full = readFileSync(out, "utf8");
    const reference = await runSweep(spec, options);

    // Keep the header, every third row out of order, then half a line as a crash leaves it.
    const [header, ...rows] = full.trimEnd().split("\n");
    const kept = rows.filter((_, i) => i % 3 === 0).reverse();
    const partial = rows[1].slice(0, 20);
    writeFileSync(out, `${header}\n${kept.join("\n")}\n${partial}`);
    const resumed = await runSweep(spec, { ...options, out, resume: true });
    expect(resumed).toMatchObject({ resumedRows: kept.length, costedRows: total - kept.length });
    expectEveryRowOnce(out, "csv");
    expect(resumed.summary).toEqual(reference.summary);

    // A cut inside the header too: the file starts again.
    truncateSync(out, 5);
    const again = await runSweep(spec, { ...options, out, resume: true });
    expect(again.resumedRows).toBe(0);
    expectEveryRowOnce(out, "csv");
  });

  it("a crashed worker's chunk is run again and no row is lost or doubled", async () => {
    const out = outFile("csv");
    const counter = join(dir, "crash-once");
    process.env.UBOOST_SWEEP_CRASH = `100:1:${counter}`;
    const result = await runSweep(spec, { ...options, out });
    expect(readFileSync(counter, "utf8")).toBe("1");
    expect(result).toMatchObject({ costedRows: total, failedRows: 0, failed: [] });
    expectEveryRowOnce(out, "csv");
  });

  it("a chunk that crashes twice is reported, the others finish, and --resume fills it in", async () => {
    const out = outFile("jsonl");
    const counter = join(dir, "crash-twice");
    process.env.UBOOST_SWEEP_CRASH = `100:2:${counter}`;
    const result = await runSweep(spec, { ...options, out });
    expect(result.failed).toEqual([
      { start: 96, end: 112, error: expect.stringMatching(/exited with code: 1/) },
    ]);
    expect(result).toMatchObject({ failedRows: 16, costedRows: total - 16 });
    const written = new Set(readRows(out, "jsonl").map((row) => row.row));
    expect(written.size).toBe(total - 16);
    expect(written.has(100)).toBe(false);

    delete process.env.UBOOST_SWEEP_CRASH;
    const resumed = await runSweep(spec, { ...options, out, resume: true });
    expect(resumed).toMatchObject({ resumedRows: total - 16, costedRows: 16, failedRows: 0 });
    expectEveryRowOnce(out, "jsonl");
  });

  it("refuses to overwrite an output without --resume, or to resume another sweep's file", async () => {
    const out = outFile("csv");
    await runSweep({ ...spec, batches: [1] }, { ...options, out });
    await expect(runSweep(spec, { ...options, out })).rejects.toThrow(/exists: add --resume/);
    await expect(runSweep(spec, { ...options, out, resume: true })).rejects.toThrow(
      /rows-\d+\.csv line \d+: row \d+ is .+, but .+ in this sweep \(resume with the same flags\)/,
    );
  });

  it("rejects bad input before starting workers", async () => {
    await expect(runSweep({ ...spec, model: "tpu" })).rejects.toThrow(InputError);
    await expect(runSweep({ ...spec, batches: [] })).rejects.toThrow(/--batches is empty/);
    await expect(
      runSweep({
        ...spec,
        networks: [
          { kind: "zoo", name: "resnet18" },
          { kind: "zoo", name: "resnet18" },
        ],
      }),
    ).rejects.toThrow(/given twice/);
    await expect(runSweep(spec, { out: join(dir, "rows.txt") })).rejects.toThrow(
      /expected a .parquet, .csv or .jsonl file/,
    );
    await expect(runSweep({ ...spec, arrays: [{ rows: 0, cols: 8 }] })).rejects.toThrow(
      /arrayRows: must be a positive integer/,
    );
  });
});

function familyMember(f: number) {
  return {
    name: `f=${f}`,
    type: "conv" as const,
    k1: 3,
    k2: 3,
    c: 64,
    f,
    h: 14,
    w: 14,
    stride: 1,
    dilation: 1,
    batch: 1,
  };
}

function directCost(
  layers: Parameters<typeof costModels.systolic.estimate>[0],
  rows: number,
  cols: number,
) {
  const hardware = { ...defaultSimConfig, arrayRows: rows, arrayCols: cols };
  const estimates = costModels.systolic.estimate(layers, hardware, modelContext());
  return networkTotal(estimates, { rows, cols }, hardware.clockHz);
}

process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
