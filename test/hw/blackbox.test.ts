import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { buildBlackboxTable } from "../../src/hw/blackbox/build.js";
import { measurementCount, measurementGrid, measurementLayer } from "../../src/hw/blackbox/grid.js";
import { type BlackboxTable, lookupCycles, nearestIndex } from "../../src/hw/blackbox/table.js";
import { readBlackboxTable, writeBlackboxTable } from "../../src/hw/blackbox/tableFile.js";
import { costModels, modelContext } from "../../src/hw/models/index.js";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import { simulateLayer } from "../../src/hw/simulator/simulate.js";
import type { Layer } from "../../src/layers/layer.js";
import { runCli } from "../cli/runCli.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-blackbox-"));
const hardware = { ...defaultSimConfig, arrayRows: 32, arrayCols: 16 };
/** c, f ∈ {16, 32, 48}; outputs 1, 4, 8; batches 1, 4 */
const grid = measurementGrid({
  maxChannels: 48,
  batches: [4, 1],
  outSizes: [1, 4, 8],
  kernels: { conv: [1, 3], dilconv: [3], dwconv: [3], dws: [3], fc: [1] },
});
let table: BlackboxTable;

function layer(fields: Partial<Layer>): Layer {
  const base = { name: "q", type: "conv", k1: 3, k2: 3, c: 16, f: 16, h: 4, w: 4 } as const;
  return { ...base, stride: 1, dilation: 1, batch: 1, ...fields };
}

beforeAll(async () => {
  const progress: number[] = [];
  table = await buildBlackboxTable({
    hardware,
    grid,
    workers: 2,
    onProgress: (done) => progress.push(done),
  });
  expect(progress.at(-1)).toBe(measurementCount(grid));
});

describe("blackbox table", () => {
  it("holds every type and kernel asked for, channels quantized to 16", () => {
    expect(table.channels).toEqual([16, 32, 48]);
    expect(table.batches).toEqual([1, 4]);
    expect(table.array).toEqual([32, 16]);
    expect(table.sections.map((s) => `${s.type} ${s.kernel}`)).toEqual([
      "conv 1",
      "conv 3",
      "dilconv 3",
      "dwconv 3",
      "dws 3",
      "fc 1",
    ]);
    // 3 outs × 2 batches × 3 c × 3 f, a dwconv without the f axis, fc on a 1x1 output only
    expect(table.sections.map((s) => s.cycles.length)).toEqual([54, 54, 54, 18, 54, 18]);
  });

  it("looks up every grid point as exactly the simulator's cycles", () => {
    for (let index = 0; index < measurementCount(grid); index++) {
      const measured = measurementLayer(grid, index);
      expect(lookupCycles(table, measured), JSON.stringify(measured)).toBe(
        simulateLayer(measured, hardware).cycles,
      );
    }
  });

  it("answers off-grid layers with the nearest grid point's measurement", () => {
    const simulated = (fields: Partial<Layer>) => simulateLayer(layer(fields), hardware).cycles;
    // c 20 → 16, f 40 → 48 (a tie goes up), 5x5 → 4x4, 7x7 → 8x8
    expect(lookupCycles(table, layer({ c: 20, f: 40, h: 5, w: 5 }))).toBe(
      simulated({ c: 16, f: 48, h: 4, w: 4 }),
    );
    expect(lookupCycles(table, layer({ c: 3, f: 1000, h: 7, w: 7 }))).toBe(
      simulated({ c: 16, f: 48, h: 8, w: 8 }),
    );
    // a 2x8 output is nearest to 4x4 by √(h·w)
    expect(lookupCycles(table, layer({ h: 2, w: 8 }))).toBe(simulated({ h: 4, w: 4 }));
    const dw = { type: "dwconv" as const, c: 40, f: 40 };
    expect(lookupCycles(table, layer(dw))).toBe(simulated({ ...dw, c: 48, f: 48 }));
    // batch 3: the batch-4 measurement scaled by 3/4
    expect(lookupCycles(table, layer({ batch: 3 }))).toBe(simulated({ batch: 4 }) * (3 / 4));
  });

  it("nearestIndex: below, above, between and on ties", () => {
    const values = [16, 32, 48];
    expect([1, 16, 23, 24, 25, 47, 500].map((x) => nearestIndex(values, x))).toEqual([
      0, 0, 0, 1, 1, 2, 2,
    ]);
  });

  it("has no entry for an unmeasured kernel", () => {
    expect(() => lookupCycles(table, layer({ k1: 7, k2: 7 }))).toThrow(
      /no conv 7x7 measurements \(conv: 1x1, 3x3\)/,
    );
  });
});

describe("the blackbox cost model", () => {
  it("takes cycles from the table and MACs from the layer", () => {
    const conv = layer({ c: 20, f: 40 });
    const [estimate] = costModels.blackbox.estimate(
      [conv],
      hardware,
      modelContext({ blackboxTable: table }),
    );
    const cycles = lookupCycles(table, conv);
    expect(estimate).toEqual({
      macs: 16 * 9 * 20 * 40,
      cycles,
      util: (16 * 9 * 20 * 40) / (cycles * 32 * 16),
    });
  });

  it("needs a table measured on the same array and memory", () => {
    const conv = layer({});
    expect(() => costModels.blackbox.estimate([conv], hardware, modelContext())).toThrow(
      "--model blackbox needs --table FILE (build one with uboost blackbox build)",
    );
    const context = modelContext({ blackboxTable: table });
    expect(() =>
      costModels.blackbox.estimate([conv], { ...hardware, arrayCols: 32 }, context),
    ).toThrow(/--table: measured on a 32x16 array, not 32x32/);
    expect(() =>
      costModels.blackbox.estimate([conv], { ...hardware, sramBytes: 1e6 }, context),
    ).toThrow(/--table: measured with SRAM bytes 15728640, not 1000000/);
  });
});

describe("table files", () => {
  it("round-trip through an atomic write", () => {
    const path = join(dir, "table.json");
    writeBlackboxTable(path, table);
    expect(readBlackboxTable(path)).toEqual(table);
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  const broken: [string, (t: BlackboxTable) => unknown, RegExp][] = [
    ["format.json", (t) => ({ ...t, format: "other" }), /format is "other"/],
    [
      "cycles.json",
      (t) => ({ ...t, sections: [{ ...t.sections[0], cycles: [1, 2] }] }),
      /section 1: expected 54 cycle counts/,
    ],
    [
      "type.json",
      (t) => ({ ...t, sections: [{ ...t.sections[0], type: "lstm" }] }),
      /section 1: unknown type "lstm"/,
    ],
    ["channels.json", (t) => ({ ...t, channels: [32, 16] }), /channels must be increasing/],
    ["array.json", (t) => ({ ...t, array: [32] }), /array must be \[rows, cols\]/],
  ];
  for (const [name, corrupt, message] of broken) {
    it(`reject ${name} naming the file and the problem`, () => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(corrupt(table)));
      expect(() => readBlackboxTable(path)).toThrow(InputError);
      expect(() => readBlackboxTable(path)).toThrow(
        new RegExp(`${name}: not a blackbox table \\(${message.source}`),
      );
    });
  }

  it("reject a missing file and malformed JSON", () => {
    expect(() => readBlackboxTable(join(dir, "none.json"))).toThrow(
      /none\.json: cannot read \(no such file\)/,
    );
    writeFileSync(join(dir, "bad.json"), "{");
    expect(() => readBlackboxTable(join(dir, "bad.json"))).toThrow(
      /bad\.json: not a blackbox table \(malformed JSON/,
    );
  });
});

describe("uboost blackbox build and cost --table", () => {
  it("builds a table that cost --model blackbox reads back at grid points as the simulator", () => {
    const path = join(dir, "cli.json");
    const built = runCli([
      "blackbox",
      "build",
      "--array",
      "32x32",
      "--max-channels",
      "32",
      "--workers",
      "2",
      "--out",
      path,
    ]);
    expect(built.status).toBe(0);
    expect(built.stderr).toMatch(/layers measured in [\d.]+ s → .*cli\.json/);
    expect(existsSync(path)).toBe(true);
    const conv = [
      "--type",
      "conv",
      "--k",
      "3",
      "--c",
      "32",
      "--f",
      "16",
      "--h",
      "14",
      "--w",
      "14",
      "--array",
      "32x32",
      "--json",
    ];
    const lookedUp = JSON.parse(
      runCli(["cost", ...conv, "--model", "blackbox", "--table", path]).stdout,
    );
    const simulated = JSON.parse(runCli(["cost", ...conv, "--model", "sim"]).stdout);
    expect(lookedUp.total).toEqual(simulated.total);

    const wrongArray = runCli([
      "cost",
      ...conv.slice(0, -3),
      "--model",
      "blackbox",
      "--table",
      path,
    ]);
    expect(wrongArray.status).toBe(2);
    expect(wrongArray.stderr).toMatch(/^uboost: --table: measured on a 32x32 array, not 128x128/);

    // sweep takes the same table for its rows
    const sweep = ["sweep", "--nets", "resnet18", "--model", "blackbox", "--table", path, "--json"];
    const swept = JSON.parse(runCli([...sweep, "--arrays", "32x32", "--workers", "1"]).stdout);
    const costed = JSON.parse(
      runCli([
        "cost",
        "--net",
        "resnet18",
        "--array",
        "32x32",
        "--model",
        "blackbox",
        "--table",
        path,
        "--json",
      ]).stdout,
    );
    expect(swept.summary.entries[0]).toMatchObject({
      cycles: costed.total.cycles,
      util: costed.total.util,
    });
    const sweepWrongArray = runCli([...sweep, "--arrays", "32x32,64x64"]);
    expect(sweepWrongArray.status).toBe(2);
    expect(sweepWrongArray.stderr).toMatch(
      /^uboost: --table: measured on a 32x32 array, not 64x64/,
    );
  });

  const bad: [string[], RegExp][] = [
    [["blackbox", "build", "--max-channels", "8"], /--max-channels: at least 16/],
    [["blackbox", "build", "--batches", "0"], /--batches: must be a positive integer/],
    [["blackbox", "build", "--array", "128x"], /--array: expected ROWSxCOLS/],
    [["cost", "--net", "resnet18", "--model", "blackbox"], /--model blackbox needs --table FILE/],
    [
      ["cost", "--net", "resnet18", "--model", "blackbox", "--table", "nope.json"],
      /nope\.json: cannot read/,
    ],
  ];
  for (const [args, message] of bad) {
    it(`rejects ${args.join(" ")} with one line, exit 2`, () => {
      const { status, stderr } = runCli(args, { cwd: dir });
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(status).toBe(2);
    });
  }
});
