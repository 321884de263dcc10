import * as tf from "@tensorflow/tfjs";
import type { SimConfig } from "../../hw/simulator/config.js";
import { forward } from "../../model/forward.js";
import {
  archVariableName,
  createParams,
  type NetworkParams,
  trainableVariables,
} from "../../model/params.js";
import {
  convLayers,
  fixedWidths,
  type NetworkPlan,
  type NetworkShape,
  planNetwork,
} from "../../model/plan.js";
import type { SearchSpace } from "../../model/space.js";
import type { CostSurface } from "../costSurface.js";
import { type ChannelCost, channelCost } from "../costTerms.js";
import { channelMasks, initialChannelLogits, maskMatrix } from "../dmask.js";
import { gumbelSoftmax } from "../gumbel.js";
import { archSeed, channelOptions, type SearchSettings } from "../settings.js";
import { type ExpectedCost, expectedCostOf, type SearchStage } from "./runStage.js";
import type { StageModel } from "./searchEpoch.js";

/** Stage 2: the chosen ops, every conv's output channels a DMask over the channel options. */
export interface ChannelStage extends SearchStage {
  model: StageModel;
  plan: NetworkPlan;
  params: NetworkParams;
  slots: string[];
  options: number[];
  /** channel logits [slots, options] */
  logits: tf.Variable<tf.Rank.R2>;
  cost: ChannelCost;
  tau: number;
  probabilities(): number[][];
  evalLogits(x: tf.Tensor4D): tf.Tensor2D;
  expectedCost(): ExpectedCost;
}

export function createChannelStage(
  space: SearchSpace,
  shape: NetworkShape,
  edgeOps: string[],
  settings: SearchSettings,
  surface: CostSurface,
  hardware: SimConfig,
): ChannelStage {
  const plan = planNetwork(space, shape, edgeOps);
  const slots = convLayers(plan).map((layer) => layer.slot);
  const options = channelOptions(settings.channels);
  const widest = options[options.length - 1];
  const channels = {
    input: shape.inChannels,
    ...Object.fromEntries(slots.map((slot) => [slot, widest])),
  };
  const params = createParams(plan, channels, settings.seed + 1);
  const logits = tf.variable(
    initialChannelLogits(slots.length, options.length, archSeed(settings.seed, "channel")),
    true,
    archVariableName("channel-logits"),
  ) as tf.Variable<tf.Rank.R2>;
  const masks = maskMatrix(options, widest);
  const cost = channelCost(
    space,
    plan,
    { slots, options, fixed: fixedWidths(plan) },
    surface,
    hardware,
    settings.hardwareBatch,
    settings.costTerms,
  );
  // One Gumbel sample [slots, options] gives both the masks (DMask) and the soft counts (cost).
  const masksOf = (weights: tf.Tensor2D) => {
    const perSlot = channelMasks(weights, masks);
    return new Map(slots.map((slot, i) => [slot, perSlot[i]]));
  };
  const stage: ChannelStage = {
    plan,
    params,
    slots,
    options,
    logits,
    cost,
    archLogits: logits,
    tau: 1,
    model: {
      weightVariables: trainableVariables(params),
      archVariables: [logits],
      logits: (x, step, statistics) =>
        forward(space, plan, params, x, {
          statistics,
          masks: masksOf(gumbelSoftmax(logits, stage.tau, step)),
        }),
      costTerm: (step) => {
        const { latencyMs, util } = cost.evaluate(gumbelSoftmax(logits, stage.tau, step));
        return tf.sub(tf.mul(latencyMs, settings.lambda), tf.mul(util, settings.beta));
      },
    },
    probabilities: () => tf.tidy(() => tf.softmax(logits).arraySync() as number[][]),
    evalLogits: (x) =>
      forward(space, plan, params, x, { masks: masksOf(tf.softmax(logits) as tf.Tensor2D) }),
    expectedCost: () =>
      tf.tidy(() => expectedCostOf(cost.evaluate(tf.softmax(logits) as tf.Tensor2D))),
  };
  return stage;
}
