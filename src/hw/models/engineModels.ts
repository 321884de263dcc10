import type { FoldTiming } from "../../engine/engine.js";
import { costNetwork } from "../../engine/network.js";
import type { CostModel, EngineEstimate } from "../costModel.js";

/**
 * The models the WASM engine computes: the paper's (timing "uboost") or the pipelined fold
 * timing, read as exact cycles or as the smooth relaxation.
 */
function engineModel(summary: string, timing: FoldTiming, smooth: boolean): CostModel {
  return {
    summary,
    integerCycles: !smooth,
    engine: { timing, smooth },
    estimate(layers, hardware, context): EngineEstimate[] {
      const array = { rows: hardware.arrayRows, cols: hardware.arrayCols };
      const { layers: costs } = costNetwork(context.engine(), layers, array, hardware.clockHz, {
        timing,
        smooth: context.smooth,
      });
      return costs.map((cost) => ({
        macs: cost.macs,
        cycles: smooth ? cost.smoothCycles : cost.cycles,
        util: smooth ? cost.smoothUtil : cost.util,
        engine: cost,
      }));
    },
  };
}

export const systolicModel = engineModel(
  "U-Boost's exact model: ⌈k1k2c/rows⌉·⌈f/cols⌉ folds of h·w·b cycles (paper §3.2)",
  "uboost",
  false,
);
export const smoothModel = engineModel(
  "its smooth relaxation: S(x) in place of ⌈x⌉, differentiable in the channels",
  "uboost",
  true,
);
export const pipelinedModel = engineModel(
  "U-Boost plus each fold's weight load and pipeline fill/drain (= simulator compute cycles)",
  "pipelined",
  false,
);
export const pipelinedSmoothModel = engineModel(
  "the pipelined model's smooth relaxation, differentiable in the channels",
  "pipelined",
  true,
);
