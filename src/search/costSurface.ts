import type { FoldTiming } from "../engine/engine.js";
import { costNetwork } from "../engine/network.js";
import { InputError } from "../errors.js";
import type { CostModel, ModelContext } from "../hw/costModel.js";
import { costModelByName } from "../hw/models/index.js";
import type { SimConfig } from "../hw/simulator/config.js";
import type { Layer } from "../layers/layer.js";

/** A layer's cost and its slopes in its (possibly fractional) input and output channels. */
export interface CostPoint {
  cycles: number;
  macs: number;
  dCyclesDc: number;
  dCyclesDf: number;
  dMacsDc: number;
  dMacsDf: number;
}

export type CostSurface = (layers: readonly Layer[]) => CostPoint[];

/** The models the search can differentiate through (`--hw-model`). */
export const searchModelNames = ["systolic", "pipelined", "flops", "roofline", "blackbox"] as const;
export type SearchModelName = (typeof searchModelNames)[number];

export function costSurface(name: string, hardware: SimConfig, context: ModelContext): CostSurface {
  if (name === "systolic" || name === "pipelined")
    return engineSurface(name === "systolic" ? "uboost" : "pipelined", hardware, context);
  if (!(searchModelNames as readonly string[]).includes(name)) {
    throw new InputError(
      `--hw-model: unknown cost model "${name}" (known: ${searchModelNames.join(", ")})`,
    );
  }
  const step = name === "blackbox" ? 16 : 1;
  return finiteDifferenceSurface(costModelByName(name, "--hw-model"), step, hardware, context);
}

/**
 * U-Boost's smooth model straight from the WASM engine: cycles and their channel gradients, and
 * MAC slopes recovered from util = MACs / (cycles · PEs) so no formula is derived twice.
 */
function engineSurface(
  timing: FoldTiming,
  hardware: SimConfig,
  context: ModelContext,
): CostSurface {
  const array = { rows: hardware.arrayRows, cols: hardware.arrayCols };
  const pes = array.rows * array.cols;
  return (layers) =>
    costNetwork(context.engine(), layers, array, hardware.clockHz, { timing }).layers.map(
      (cost) => ({
        cycles: cost.smoothCycles,
        macs: cost.macs,
        dCyclesDc: cost.dCyclesDc,
        dCyclesDf: cost.dCyclesDf,
        dMacsDc: pes * (cost.dUtilDc * cost.smoothCycles + cost.smoothUtil * cost.dCyclesDc),
        dMacsDf: pes * (cost.dUtilDf * cost.smoothCycles + cost.smoothUtil * cost.dCyclesDf),
      }),
    );
}

/**
 * The baselines have no analytic channel gradient: central differences over one channel (a
 * secant over the look-up table's 16-channel grid for blackbox, which is flat in between).
 */
function finiteDifferenceSurface(
  model: CostModel,
  step: number,
  hardware: SimConfig,
  context: ModelContext,
): CostSurface {
  return (layers) => {
    const at = (dc: number, df: number) =>
      model.estimate(
        layers.map((layer) => ({
          ...layer,
          c: Math.max(1, layer.c + dc),
          f: Math.max(1, layer.f + df),
        })),
        hardware,
        context,
      );
    const base = at(0, 0);
    const [cUp, cDown, fUp, fDown] = [at(step, 0), at(-step, 0), at(0, step), at(0, -step)];
    return base.map((point, i) => ({
      cycles: point.cycles,
      macs: point.macs,
      dCyclesDc: (cUp[i].cycles - cDown[i].cycles) / (2 * step),
      dCyclesDf: (fUp[i].cycles - fDown[i].cycles) / (2 * step),
      dMacsDc: (cUp[i].macs - cDown[i].macs) / (2 * step),
      dMacsDf: (fUp[i].macs - fDown[i].macs) / (2 * step),
    }));
  };
}
