import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { costModels, modelContext } from "../../src/hw/models/index.js";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import {
  type Device,
  evaluateLatencies,
  evaluateLatenciesInline,
} from "../../src/proxy/evaluate.js";
import { architectureLayers, sampleArchitectures } from "../../src/proxy/sample.js";
import { builtinSample } from "./fixtures.js";

const sample = builtinSample(64);
const device = (rows: number, cols: number, extra = {}): Device => ({
  label: `${rows}x${cols}`,
  config: { ...defaultSimConfig, arrayRows: rows, arrayCols: cols, ...extra },
});
const devices = [device(32, 32), device(128, 64), device(256, 256, { clockHz: 0.5e9 })];
const archs = sampleArchitectures(sample, 120, 3);

describe("latency evaluation", () => {
  it("is the cost model's cycles over the clock, in ms", () => {
    const columns = evaluateLatenciesInline(sample, archs, devices, "systolic");
    const layers = architectureLayers(sample, archs, 5);
    const cycles = costModels.systolic
      .estimate(layers, devices[2].config, modelContext())
      .reduce((sum, layer) => sum + layer.cycles, 0);
    expect(columns[2][5]).toBeCloseTo((cycles / 0.5e9) * 1e3, 9);
  });

  it("gives the same latencies on 1 or 3 workers as in this thread", async () => {
    for (const model of ["systolic", "sim"]) {
      const inline = evaluateLatenciesInline(sample, archs, devices, model);
      const progress: number[] = [];
      const one = await evaluateLatencies(sample, archs, devices, {
        model,
        workers: 1,
        chunkSize: 25,
      });
      const three = await evaluateLatencies(sample, archs, devices, {
        model,
        workers: 3,
        chunkSize: 7,
        onProgress: (done) => progress.push(done),
      });
      expect(one).toEqual(inline);
      expect(three).toEqual(inline);
      expect(progress.at(-1)).toBe(120);
    }
  });

  it("refuses an unknown model, blackbox and a device no hardware can be", () => {
    expect(() => evaluateLatenciesInline(sample, archs, devices, "magic")).toThrow(InputError);
    expect(() => evaluateLatenciesInline(sample, archs, devices, "blackbox")).toThrow(
      /--latencies/,
    );
    const broken = [device(32, 32, { clockHz: 0 }), devices[1]];
    expect(() => evaluateLatenciesInline(sample, archs, broken, "sim")).toThrow(InputError);
  });
});
