import { describe, expect, it } from "vitest";
import { layerWeights } from "../../src/layers/weights.js";
import { opNames, uboostSpace } from "../../src/model/space.js";
import {
  architectureFeatures,
  architectureId,
  architectureLayers,
  decodeArchitectures,
  logParams,
  sampleArchitectures,
} from "../../src/proxy/sample.js";
import { builtinSample } from "./fixtures.js";

const sample = builtinSample(64);

describe("architecture sampling", () => {
  const archs = sampleArchitectures(sample, 200, 7);

  it("is seeded: the same seed gives the same architectures, another seed others", () => {
    const again = sampleArchitectures(sample, 200, 7);
    expect(again.ops).toEqual(archs.ops);
    expect(again.channels).toEqual(archs.channels);
    expect(sampleArchitectures(sample, 200, 8).channels).not.toEqual(archs.channels);
  });

  it("draws widths from the range and every op somewhere", () => {
    for (const c of archs.channels) {
      expect(c).toBeGreaterThanOrEqual(64);
      expect(c).toBeLessThanOrEqual(280);
      expect((c - 64) % 8).toBe(0);
    }
    expect(new Set(archs.ops).size).toBe(opNames(uboostSpace).length);
    // the final network's 9 cells × (pre_p, pre_pp, 9 edges); the stem is not searched
    expect(archs.slots).toHaveLength(9 * 11);
  });

  it("gives layers that all read and write channels (no dead nodes)", () => {
    for (let i = 0; i < archs.count; i++) {
      for (const layer of architectureLayers(sample, archs, i)) {
        expect(layer.c).toBeGreaterThan(0);
        expect(layer.f).toBeGreaterThan(0);
      }
    }
  });

  it("has one-hot ops and width features, zero for slots an architecture does not use", () => {
    const features = architectureFeatures(sample, archs);
    const opCount = opNames(uboostSpace).length;
    expect(features[0]).toHaveLength(9 * opCount + archs.slots.length);
    for (const row of features) {
      const oneHot = row.subarray(0, 9 * opCount).reduce((sum, v) => sum + v, 0);
      expect(oneHot).toBe(9);
      for (const width of row.subarray(9 * opCount)) expect(width).toBeLessThanOrEqual(1);
    }
    const zeroEdge = Array.from(archs.ops.subarray(0, 9)).indexOf(
      opNames(uboostSpace).indexOf("zero"),
    );
    if (zeroEdge >= 0) {
      const slot = archs.slots.indexOf(`cell0.edge${zeroEdge}`);
      expect(features[0][9 * opCount + slot]).toBe(0);
    }
  });

  it("round-trips ids, and refuses ids from another space", () => {
    const ids = Array.from({ length: archs.count }, (_, i) =>
      architectureId(uboostSpace, archs, i),
    );
    const decoded = decodeArchitectures(sample, ids);
    expect(decoded?.ops).toEqual(archs.ops);
    expect(decoded?.channels).toEqual(archs.channels);
    expect(decodeArchitectures(sample, ["net-a", ...ids])).toBeUndefined();
  });

  it("scores by log weight count: a conv holds k·k·c·f, a dws k·k·c + c·f", () => {
    const base = {
      name: "l",
      k1: 3,
      k2: 3,
      c: 16,
      f: 32,
      h: 8,
      w: 8,
      stride: 1,
      dilation: 1,
      batch: 1,
    };
    expect(layerWeights({ ...base, type: "conv" })).toBe(9 * 16 * 32);
    expect(layerWeights({ ...base, type: "dws" })).toBe(9 * 16 + 16 * 32);
    expect(layerWeights({ ...base, type: "pool" })).toBe(0);
    const scores = logParams(sample, archs);
    const weights = architectureLayers(sample, archs, 3).reduce((s, l) => s + layerWeights(l), 0);
    expect(scores[3]).toBeCloseTo(Math.log(weights), 12);
  });
});
