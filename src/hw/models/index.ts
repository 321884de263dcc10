import { type CostEngine, createCostEngine } from "../../engine/engine.js";
import type { SmoothCeilParams } from "../../engine/smoothCeilParams.js";
import { InputError } from "../../errors.js";
import type { BlackboxTable } from "../blackbox/table.js";
import type { CostModel, ModelContext } from "../costModel.js";
import { blackboxModel } from "./blackbox.js";
import { csimModel } from "./csim.js";
import { csimSmoothModel } from "./csimSmooth.js";
import {
  pipelinedModel,
  pipelinedSmoothModel,
  smoothModel,
  systolicModel,
} from "./engineModels.js";
import { flopsModel } from "./flops.js";
import { rooflineModel } from "./roofline.js";
import { simModel } from "./sim.js";

/** Every cost model by the name `--model` takes; the first is the default. */
export const costModels = {
  systolic: systolicModel,
  smooth: smoothModel,
  pipelined: pipelinedModel,
  "pipelined-smooth": pipelinedSmoothModel,
  flops: flopsModel,
  roofline: rooflineModel,
  sim: simModel,
  blackbox: blackboxModel,
  csim: csimModel,
  "csim-smooth": csimSmoothModel,
} satisfies Record<string, CostModel>;

export type CostModelName = keyof typeof costModels;
export const costModelNames = Object.keys(costModels) as CostModelName[];

export function costModelByName(name: string, flag = "--model"): CostModel {
  if (!Object.hasOwn(costModels, name)) {
    throw new InputError(
      `${flag}: unknown cost model "${name}" (known: ${costModelNames.join(", ")})`,
    );
  }
  return costModels[name as CostModelName];
}

/** A context whose WASM engine is instantiated on first use and then reused. */
export function modelContext(
  options: { blackboxTable?: BlackboxTable; smooth?: SmoothCeilParams } = {},
): ModelContext {
  let engine: CostEngine | undefined;
  return { engine: () => (engine ??= createCostEngine()), ...options };
}
