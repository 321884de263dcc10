import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { costModelByName, modelContext } from "../../src/hw/models/index.js";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import type { Layer } from "../../src/layers/layer.js";
import { macsOf, totalMacs } from "../../src/layers/macs.js";
import { readLayersFile } from "../../src/layers/readLayers.js";
import { readTopology, topologyCsv, topologyHeader } from "../../src/layers/topology.js";
import { runCli } from "../cli/runCli.js";

// Written as SCALE-Sim's own files are: trailing commas, a "#dw" note after one, a row without
// its trailing comma, a tab-indented row, a blank row.
const topology = [
  topologyHeader,
  "",
  "Conv1, 224, 224, 7, 7, 3, 64, 2,",
  "Conv2 DP, 112, 112, 3, 3, 32, 1, 2,#dw",
  "\tConv3,56,56,1,1,32,64,1",
  "FC, 1, 1, 1, 1, 1024, 1000, 1,",
].join("\n");

describe("SCALE-Sim topology files", () => {
  it("reads rows as SCALE-Sim does: no padding, DP is depthwise, 1×1 on 1×1 is fc", () => {
    const layers = readTopology(topology, "net.csv", 2);
    expect(
      layers.map((l) => [l.name, l.type, l.k1, l.c, l.f, l.h, l.w, l.stride, l.batch]),
    ).toEqual([
      // ⌈(224 − 7 + 2) / 2⌉ = 110: SCALE-Sim's IFMAP is the padded input
      ["Conv1", "conv", 7, 3, 64, 110, 110, 2, 2],
      // ⌈(112 − 3 + 2) / 2⌉ = 56
      ["Conv2 DP", "dwconv", 3, 32, 32, 56, 56, 2, 2],
      ["Conv3", "conv", 1, 32, 64, 56, 56, 1, 2],
      ["FC", "fc", 1, 1024, 1000, 1, 1, 1, 2],
    ]);
    // SCALE-Sim's MACs: ofmap pixels × window × filters (a DP row: per channel, one filter)
    expect(layers.map(macsOf)).toEqual([
      2 * 110 * 110 * 49 * 3 * 64,
      2 * 32 * 56 * 56 * 9,
      2 * 56 * 56 * 32 * 64,
      2 * 1024 * 1000,
    ]);
  });

  it("is recognised by its header wherever a layer file is read", () => {
    const dir = mkdtempSync(join(tmpdir(), "uboost-topology-"));
    const path = join(dir, "net.csv");
    writeFileSync(path, topology);
    expect(readLayersFile(path, 1)).toEqual(readTopology(topology, "net.csv", 1));
  });

  it("bad rows are an InputError naming the row and the column", () => {
    const bad = (row: string) => () => readTopology(`${topologyHeader}\n${row}\n`, "t.csv", 1);
    expect(bad("Conv1, 224, 224, 7, 7, 3, 64,")).toThrow(/t\.csv row 1, field Strides: missing/);
    expect(bad("Conv1, 224, x, 7, 7, 3, 64, 1,")).toThrow(/field IFMAP Width: must be a positive/);
    expect(bad(",8,8,3,3,3,3,1,")).toThrow(/field Layer name: missing/);
    expect(bad("C,2,2,3,3,3,3,1,")).toThrow(/larger than the IFMAP/);
    expect(() => readTopology(`${topologyHeader}\n\n`, "t.csv", 1)).toThrow(InputError);
  });

  it("writing then reading keeps every layer's MACs and cycles (any batch, any stride)", () => {
    const model = costModelByName("systolic");
    const hardware = { ...defaultSimConfig, arrayRows: 32, arrayCols: 16 };
    const cycles = (layers: Layer[]) =>
      model.estimate(layers, hardware, modelContext()).reduce((sum, e) => sum + e.cycles, 0);
    const layer = fc
      .record({
        type: fc.constantFrom("conv", "dilconv", "dwconv", "dws", "fc", "pool", "add"),
        k: fc.integer({ min: 1, max: 7 }),
        c: fc.integer({ min: 1, max: 300 }),
        f: fc.integer({ min: 1, max: 300 }),
        size: fc.integer({ min: 1, max: 20 }),
        stride: fc.integer({ min: 1, max: 3 }),
        batch: fc.integer({ min: 1, max: 4 }),
      })
      .map(({ type, k, c, f, size, stride, batch }): Layer => {
        const fcLayer = type === "fc";
        return {
          name: `DP,${type}`,
          type,
          k1: fcLayer ? 1 : k,
          k2: fcLayer ? 1 : k,
          c,
          f: type === "dwconv" ? c : f,
          h: fcLayer ? 1 : size,
          w: fcLayer ? 1 : size,
          stride: fcLayer ? 1 : stride,
          dilation: type === "dilconv" ? 2 : 1,
          batch,
        };
      });
    fc.assert(
      fc.property(fc.array(layer, { minLength: 1, maxLength: 6 }), (layers) => {
        if (!layers.some((l) => macsOf(l) > 0)) return;
        const back = readTopology(topologyCsv(layers), "t.csv", 1);
        expect(totalMacs(back)).toBe(totalMacs(layers));
        expect(cycles(back)).toBe(cycles(layers));
      }),
      { numRuns: 200 },
    );
  });

  it("uboost cost --export-topology writes a file SCALE-Sim and uboost read back alike", () => {
    const dir = mkdtempSync(join(tmpdir(), "uboost-topology-"));
    const out = join(dir, "mobilenetv2.csv");
    const exported = runCli(["cost", "--net", "mobilenetv2", "--export-topology", out, "--json"]);
    expect(exported.status).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text.split("\n")[0]).toBe(topologyHeader);
    expect(text.split("\n")[1]).toBe("features.0,225,225,3,3,3,32,2,");
    const reread = runCli(["cost", "--layers", out, "--json"]);
    expect(JSON.parse(reread.stdout).total).toEqual(JSON.parse(exported.stdout).total);
    const refused = runCli([
      "cost",
      "--net",
      "resnet18",
      "--export-topology",
      join(dir, "no", "x.csv"),
    ]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/--export-topology/);
  });
});
