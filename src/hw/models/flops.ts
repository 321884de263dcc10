import { macsOf } from "../../layers/macs.js";
import type { CostModel } from "../costModel.js";

/** The FLOPs baseline: every PE busy every cycle, whatever the layer's shape. */
export const flopsModel: CostModel = {
  summary: "MACs / (rows·cols): full utilization assumed (the FLOPs proxy)",
  estimate(layers, hardware) {
    const pes = hardware.arrayRows * hardware.arrayCols;
    return layers.map((layer) => {
      const macs = macsOf(layer);
      return { macs, cycles: macs / pes, util: 1 };
    });
  },
};
