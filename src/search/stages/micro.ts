import * as tf from "@tensorflow/tfjs";
import type { SimConfig } from "../../hw/simulator/config.js";
import { forward } from "../../model/forward.js";
import {
  archVariableName,
  createParams,
  type NetworkParams,
  trainableVariables,
} from "../../model/params.js";
import { convLayers, type NetworkPlan, type NetworkShape, planNetwork } from "../../model/plan.js";
import type { SearchSpace } from "../../model/space.js";
import type { CostSurface } from "../costSurface.js";
import { type MicroCost, microCost } from "../costTerms.js";
import { gumbelSoftmax } from "../gumbel.js";
import { archSeed, type SearchSettings } from "../settings.js";
import { type ExpectedCost, expectedCostOf, type SearchStage } from "./runStage.js";
import type { StageModel } from "./searchEpoch.js";

/** Stage 1: fixed channels, every edge a Gumbel-softmax mixture over the space's ops. */
export interface MicroStage extends SearchStage {
  model: StageModel;
  plan: NetworkPlan;
  params: NetworkParams;
  /** architecture logits [edges, ops] */
  alpha: tf.Variable<tf.Rank.R2>;
  cost: MicroCost;
  tau: number;
  /** softmax(alpha): what stage 2 derives the cell from */
  probabilities(): number[][];
  /** logits with the expected op weights softmax(alpha), BN in evaluation mode */
  evalLogits(x: tf.Tensor4D): tf.Tensor2D;
  expectedCost(): ExpectedCost;
}

export function createMicroStage(
  space: SearchSpace,
  shape: NetworkShape,
  settings: SearchSettings,
  surface: CostSurface,
  hardware: SimConfig,
): MicroStage {
  const plan = planNetwork(space, shape);
  const channels: Record<string, number> = { input: shape.inChannels, stem: settings.stemChannels };
  for (const layer of convLayers(plan)) channels[layer.slot] ??= settings.microChannels;
  const params = createParams(plan, channels, settings.seed);
  const opCount = Object.keys(space.ops).length;
  // The authors start every edge's op logits at standard normal draws, not at zero.
  const alpha = tf.variable(
    tf.randomNormal(
      [space.edges.length, opCount],
      0,
      1,
      "float32",
      archSeed(settings.seed, "micro"),
    ),
    true,
    archVariableName("alpha"),
  ) as tf.Variable<tf.Rank.R2>;
  const cost = microCost(
    space,
    plan,
    channels,
    surface,
    hardware,
    settings.hardwareBatch,
    settings.costTerms,
  );
  const stage: MicroStage = {
    plan,
    params,
    alpha,
    cost,
    archLogits: alpha,
    tau: 1,
    model: {
      weightVariables: trainableVariables(params),
      archVariables: [alpha],
      logits: (x, step, statistics) =>
        forward(space, plan, params, x, {
          statistics,
          opWeights: gumbelSoftmax(alpha, stage.tau, step),
        }),
      costTerm: (step) => {
        const { latencyMs, util } = cost.evaluate(gumbelSoftmax(alpha, stage.tau, step));
        return tf.sub(tf.mul(latencyMs, settings.lambda), tf.mul(util, settings.beta));
      },
    },
    probabilities: () => tf.tidy(() => tf.softmax(alpha).arraySync() as number[][]),
    evalLogits: (x) =>
      forward(space, plan, params, x, { opWeights: tf.softmax(alpha) as tf.Tensor2D }),
    expectedCost: () =>
      tf.tidy(() => expectedCostOf(cost.evaluate(tf.softmax(alpha) as tf.Tensor2D))),
  };
  return stage;
}
