import type { CostModel } from "../costModel.js";
import { simulateLayer } from "../simulator/simulate.js";

/** The cycle-level simulator, memory stalls included. */
export const simModel: CostModel = {
  summary: "the cycle-level weight-stationary simulator, with SRAM and bandwidth limits",
  integerCycles: true,
  estimate(layers, hardware) {
    return layers.map((layer) => {
      const { macs, cycles, util } = simulateLayer(layer, hardware);
      return { macs, cycles, util };
    });
  },
};
