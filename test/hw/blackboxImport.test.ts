import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readMeasuredLayers } from "../../src/fidelity/measurements.js";
import { tableFromAuthorsJson } from "../../src/hw/blackbox/authorsTable.js";
import {
  type BlackboxTable,
  checkTableHardware,
  lookupCycles,
} from "../../src/hw/blackbox/table.js";
import { readBlackboxTable } from "../../src/hw/blackbox/tableFile.js";
import { csimLayerCycles } from "../../src/hw/models/csim.js";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import type { Layer } from "../../src/layers/layer.js";
import { runCli } from "../cli/runCli.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-import-"));

type AuthorsJson = Record<
  string,
  Record<string, Record<string, Record<string, Record<string, object>>>>
>;

/** The authors' format: runtime in ms = cycles · 10⁻⁹ s · 10³, as their lookup.py writes it. */
function authorsJson(entries: { layer: Layer; cycles: number }[]): AuthorsJson {
  const json: AuthorsJson = {};
  for (const { layer, cycles } of entries) {
    const type = layer.type === "dwconv" ? "DepthwiseConv2d" : "Conv2d";
    const kernel = `${layer.k1}x${layer.k2}`;
    json[type] ??= {};
    json[type][layer.h] ??= {};
    json[type][layer.h][kernel] ??= {};
    json[type][layer.h][kernel][layer.c] ??= {};
    json[type][layer.h][kernel][layer.c][layer.f] = {
      runtime_csim: cycles * 1e-9 * 1e3,
      util_csim: 0,
    };
  }
  return json;
}

function layer(type: Layer["type"], k: number, c: number, f: number, size: number): Layer {
  return {
    name: "l",
    type,
    k1: k,
    k2: k,
    c,
    f,
    h: size,
    w: size,
    stride: 1,
    dilation: 1,
    batch: 1,
  };
}

/** A small table in the authors' layout: conv 1×1, 3×3 at 2 and 8; 1×1 at size 1 to 64; dw 3×3. */
function smallTable() {
  const grid = [16, 32, 48];
  const entries: { layer: Layer; cycles: number }[] = [];
  const add = (l: Layer) =>
    entries.push({ layer: l, cycles: csimLayerCycles(l, defaultSimConfig) });
  for (const size of [2, 8]) {
    for (const k of [1, 3])
      for (const c of grid) for (const f of grid) add(layer("conv", k, c, f, size));
    for (const c of grid) add(layer("dwconv", 3, c, c, size));
  }
  for (const c of [...grid, 64]) for (const f of [...grid, 64]) add(layer("conv", 1, c, f, 1));
  return { entries, json: authorsJson(entries) };
}

describe("importing the authors' look-up table", () => {
  it("round trip: every measurement of a JSON in their format is read back exactly", () => {
    const { entries, json } = smallTable();
    const table = tableFromAuthorsJson(JSON.parse(JSON.stringify(json)), "small.json", [128, 128]);
    expect(table.simulator).toBe("csim");
    expect(table.channels).toEqual([16, 32, 48]);
    expect(table.batches).toEqual([1]);
    for (const { layer: l, cycles } of entries) {
      // 1×1 at size 1 is read back as fc (to 64 channels); as a conv on the common grid (to 48)
      const onGrid = l.c <= 48 && l.f <= 48;
      if (onGrid)
        expect(lookupCycles(table, l), `${l.type} ${l.k1} ${l.c} ${l.f} ${l.h}`).toBe(cycles);
      if (l.h === 1) expect(lookupCycles(table, { ...l, type: "fc" })).toBe(cycles);
    }
  });

  it("derives what their code derives: dilated = conv, separable = dw + 1×1, fc = 1×1 at size 1", () => {
    const table = tableFromAuthorsJson(smallTable().json, "small.json", [128, 128]);
    const at = (l: Layer) => csimLayerCycles(l, defaultSimConfig);
    expect(lookupCycles(table, { ...layer("dilconv", 3, 32, 48, 8), dilation: 2 })).toBe(
      at(layer("conv", 3, 32, 48, 8)),
    );
    expect(lookupCycles(table, layer("dws", 3, 32, 48, 2))).toBe(
      at(layer("dwconv", 3, 32, 32, 2)) + at(layer("conv", 1, 32, 48, 2)),
    );
    const fcSection = table.sections.find((s) => s.type === "fc");
    expect(fcSection?.channels).toEqual([16, 32, 48, 64]);
    expect(lookupCycles(table, layer("fc", 1, 64, 64, 1))).toBe(at(layer("conv", 1, 64, 64, 1)));
  });

  it("rounds their float ms to whole cycles (2.2000000000000003e-05 ms = 22)", () => {
    const json = smallTable().json;
    json.Conv2d[2]["1x1"][16][16] = { runtime_csim: 2.2000000000000003e-5, util_csim: 0 };
    const table = tableFromAuthorsJson(json, "small.json", [128, 128]);
    expect(lookupCycles(table, layer("conv", 1, 16, 16, 2))).toBe(22);
  });

  it("a csim table's memory is csim's: only the array shape must match the hardware asked", () => {
    const table = tableFromAuthorsJson(smallTable().json, "small.json", [128, 128]);
    expect(() => checkTableHardware(table, defaultSimConfig)).not.toThrow();
    expect(() =>
      checkTableHardware(table, { ...defaultSimConfig, arrayRows: 64, arrayCols: 64 }),
    ).toThrow(/measured on a 128x128 array, not 64x64/);
    const ours: BlackboxTable = { ...table, simulator: undefined };
    expect(() => checkTableHardware(ours, defaultSimConfig)).toThrow(/SRAM bytes/);
  });

  const malformed: [string, unknown, RegExp][] = [
    ["an unknown layer", { Dense: {} }, /unknown layer "Dense"/],
    ["a non-square kernel", { Conv2d: { 2: { "3x1": {} } } }, /kernel "3x1" is not a square/],
    ["a size that is not a number", { Conv2d: { two: {} } }, /key "two" is not a positive integer/],
    [
      "a missing runtime",
      { Conv2d: { 2: { "1x1": { 16: { 16: { util_csim: 0 } } } } } },
      /c 16 f 16, field runtime_csim/,
    ],
    [
      "a hole in the grid",
      {
        Conv2d: {
          2: { "1x1": { 16: { 16: { runtime_csim: 1e-5 } }, 32: { 16: { runtime_csim: 1e-5 } } } },
        },
      },
      /Conv2d 1x1 2: no measurement for c 16, f 32/,
    ],
  ];
  for (const [what, json, message] of malformed) {
    it(`rejects ${what}, naming the file and the place`, () => {
      expect(() => tableFromAuthorsJson(json, "bad.json", [128, 128])).toThrow(message);
    });
  }
});

const given = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "shared",
  "data",
  "csim-lookup",
  "csim_128x128_given.csv",
);

describe("uboost blackbox import", () => {
  it.skipIf(!existsSync(given))(
    "round trip on the given layers: CSV → their JSON → import → cost --model blackbox",
    () => {
      const measured = readMeasuredLayers(given);
      const jsonPath = join(dir, "lookup.json");
      writeFileSync(jsonPath, JSON.stringify(authorsJson(measured)));
      const out = join(dir, "csim-table.json");
      const imported = runCli(["blackbox", "import", jsonPath, "--out", out]);
      expect(imported.status).toBe(0);
      expect(imported.stderr).toMatch(
        /table entries \(conv 1x1, .*\) from .*lookup\.json → .*csim-table\.json/,
      );
      const table = readBlackboxTable(out);
      for (const { layer: l, cycles } of measured) {
        // their size-1 1×1 measurements run to 512 channels: the fc section holds them all
        const asked: Layer = l.h === 1 ? { ...l, type: "fc" } : l;
        expect(lookupCycles(table, asked), l.name).toBe(cycles);
      }
      // the CLI reads it back under the default --sram/--bw (csim's memory is its own)
      const conv = [
        "--type",
        "conv",
        "--k",
        "3",
        "--c",
        "48",
        "--f",
        "96",
        "--h",
        "8",
        "--w",
        "8",
        "--json",
      ];
      const fromTable = JSON.parse(
        runCli(["cost", ...conv, "--model", "blackbox", "--table", out]).stdout,
      );
      const fromModel = JSON.parse(runCli(["cost", ...conv, "--model", "csim"]).stdout);
      expect(fromTable.total.cycles).toBe(fromModel.total.cycles);
    },
  );

  for (const [args, message] of [
    [["blackbox", "import", join(dir, "missing.json")], /missing\.json: cannot read/],
    [["blackbox", "import", "--array", "128x"], /Not enough non-option arguments|file/],
  ] as [string[], RegExp][]) {
    it(`rejects ${args.slice(2).join(" ")} with one line, exit 2`, () => {
      const { status, stderr } = runCli(args);
      expect(stderr).toMatch(message);
      expect(status).toBe(2);
    });
  }
  it("rejects malformed JSON with one line, exit 2, writing nothing", () => {
    const path = join(dir, "broken.json");
    writeFileSync(path, "{");
    const out = join(dir, "never.json");
    const { status, stderr } = runCli(["blackbox", "import", path, "--out", out]);
    expect(stderr).toMatch(/broken\.json: not a look-up table \(malformed JSON/);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});
