import { describe, expect, it } from "vitest";
import { costModelByName, modelContext } from "../../src/hw/models/index.js";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import { totalMacs } from "../../src/layers/macs.js";
import { spaceLatencies, spaceRows } from "../../src/proxy/spaceLatencies.js";
import { nasbench201 } from "../../src/spaces/nasbench201.js";
import { archAt, sampleArchs, spaceInput } from "../../src/spaces/space.js";

const input = spaceInput(nasbench201, "cifar100");
const table = sampleArchs(nasbench201, 30, 11);
const rows = spaceRows(nasbench201, table, input, 2);
const devices = [
  { label: "32x32", config: { ...defaultSimConfig, arrayRows: 32, arrayCols: 32 } },
  { label: "128x64", config: { ...defaultSimConfig, arrayRows: 128, arrayCols: 64, clockHz: 5e8 } },
];

describe("latency of a space's architectures through their distinct layers", () => {
  it.each(["systolic", "roofline", "csim"])(
    "%s: equals pricing each architecture's whole layer list",
    (model) => {
      const columns = spaceLatencies(rows.distinct, devices, model);
      const context = modelContext();
      for (let i = 0; i < table.count; i++) {
        const layers = nasbench201.layersOf(archAt(table, i), input, 2);
        devices.forEach((device, d) => {
          const cycles = costModelByName(model)
            .estimate(layers, device.config, context)
            .reduce((sum, layer) => sum + layer.cycles, 0);
          expect(columns[d][i]).toBeCloseTo((cycles / device.config.clockHz) * 1e3, 12);
        });
      }
    },
  );

  it("sums MACs per architecture as the layers do", () => {
    for (let i = 0; i < table.count; i++) {
      expect(rows.macs[i]).toBe(totalMacs(nasbench201.layersOf(archAt(table, i), input, 2)));
    }
  });

  it("refuses the blackbox model, which holds one device's measurements", () => {
    expect(() => spaceLatencies(rows.distinct, devices, "blackbox")).toThrow(/--model blackbox/);
  });
});
