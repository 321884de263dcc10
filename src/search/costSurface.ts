import type { FoldTiming } from "../engine/engine.js";
import { costNetwork } from "../engine/network.js";
import { InputError } from "../errors.js";
import type { CostModel, ModelContext } from "../hw/costModel.js";
import { csimSmoothLayer } from "../hw/models/csimSmooth.js";
import { costModelByName } from "../hw/models/index.js";
import type { SimConfig } from "../hw/simulator/config.js";
import type { Layer } from "../layers/layer.js";
import { macsOf } from "../layers/macs.js";

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

/**
 * The models the search can differentiate through (`--hw-model`). blackbox is the paper's
 * nearest-neighbour look-up, flat between measured channel counts, so the channel search gets no
 * gradient from it (as in the authors' code); blackbox-secant slopes it by secants over the
 * table's 16-channel grid.
 */
export const searchModelNames = [
  "systolic",
  "pipelined",
  "csim",
  "flops",
  "roofline",
  "blackbox",
  "blackbox-secant",
] as const;
export type SearchModelName = (typeof searchModelNames)[number];

/** The search models that read a blackbox table (--table). */
export const needsBlackboxTable = (name: string) =>
  name === "blackbox" || name === "blackbox-secant";

/** Channel spacing of the blackbox table's grid, the secant's half-width. */
const blackboxGridStep = 16;

export function costSurface(name: string, hardware: SimConfig, context: ModelContext): CostSurface {
  if (name === "systolic" || name === "pipelined")
    return engineSurface(name === "systolic" ? "uboost" : "pipelined", hardware, context);
  if (name === "csim") return csimSurface(hardware, context);
  if (!(searchModelNames as readonly string[]).includes(name)) {
    throw new InputError(
      `--hw-model: unknown cost model "${name}" (known: ${searchModelNames.join(", ")})`,
    );
  }
  if (name === "blackbox") return flatSurface(costModelByName(name), hardware, context);
  const model = costModelByName(name === "blackbox-secant" ? "blackbox" : name, "--hw-model");
  const step = name === "blackbox-secant" ? blackboxGridStep : 1;
  return finiteDifferenceSurface(model, step, hardware, context);
}

/**
 * The csim model's smooth relaxation: cycles and their channel slopes in closed form. MACs are
 * linear in c (f held) and in f (c held), so one-channel differences are their exact slopes.
 */
function csimSurface(hardware: SimConfig, context: ModelContext): CostSurface {
  return (layers) =>
    layers.map((layer) => {
      const smooth = csimSmoothLayer(layer, hardware, context.engine());
      const macs = macsOf(layer);
      return {
        cycles: smooth.cycles,
        macs,
        dCyclesDc: smooth.dCyclesDc,
        dCyclesDf: smooth.dCyclesDf,
        dMacsDc: macsOf({ ...layer, c: layer.c + 1 }) - macs,
        dMacsDf: macsOf({ ...layer, f: layer.f + 1 }) - macs,
      };
    });
}

/**
 * A model read as is, with no slope in the channels: between grid points the look-up table's
 * cycles are flat, and so is its utilization in the authors' code (they look it up too).
 */
function flatSurface(model: CostModel, hardware: SimConfig, context: ModelContext): CostSurface {
  return (layers) =>
    model.estimate(layers, hardware, context).map((point) => ({
      cycles: point.cycles,
      macs: point.macs,
      dCyclesDc: 0,
      dCyclesDf: 0,
      dMacsDc: 0,
      dMacsDf: 0,
    }));
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
 * secant over the look-up table's 16-channel grid for blackbox-secant). Channels stop at 1, so
 * near the bottom the span is measured, not assumed to be 2·step.
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
    const span = (channels: number) => Math.max(1, channels + step) - Math.max(1, channels - step);
    return base.map((point, i) => {
      const cSpan = span(layers[i].c);
      const fSpan = span(layers[i].f);
      return {
        cycles: point.cycles,
        macs: point.macs,
        dCyclesDc: (cUp[i].cycles - cDown[i].cycles) / cSpan,
        dCyclesDf: (fUp[i].cycles - fDown[i].cycles) / fSpan,
        dMacsDc: (cUp[i].macs - cDown[i].macs) / cSpan,
        dMacsDf: (fUp[i].macs - fDown[i].macs) / fSpan,
      };
    });
  };
}
