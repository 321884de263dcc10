import type { Layer } from "../../layers/layer.js";
import { macsOf } from "../../layers/macs.js";
import type { CostModel } from "../costModel.js";
import type { SimConfig } from "../simulator/config.js";
import { gemmsOf } from "../simulator/gemm.js";

/** Operands one layer moves: weights, input and output activations, once each. */
export function layerTrafficBytes(layer: Layer, hardware: SimConfig): number {
  let elements = 0;
  for (const gemm of gemmsOf(layer)) {
    elements +=
      gemm.count * (gemm.depth * gemm.width + gemm.inputElems + gemm.streamRows * gemm.width);
  }
  return elements * hardware.bytesPerOperand;
}

/** The roofline baseline: the slower of full-utilization compute and off-chip traffic. */
export const rooflineModel: CostModel = {
  summary: "max(MACs / (rows·cols), bytes moved / bandwidth), bf16 operands",
  estimate(layers, hardware) {
    const pes = hardware.arrayRows * hardware.arrayCols;
    return layers.map((layer) => {
      const macs = macsOf(layer);
      const memoryCycles =
        (layerTrafficBytes(layer, hardware) * hardware.clockHz) / hardware.bandwidthBytesPerSec;
      const cycles = Math.max(macs / pes, memoryCycles);
      return { macs, cycles, util: cycles > 0 ? macs / (cycles * pes) : 1 };
    });
  },
};
