import * as tf from "@tensorflow/tfjs";
import type { SimConfig } from "../hw/simulator/config.js";
import type { Layer } from "../layers/layer.js";
import { type CostBridge, costBridge } from "./costBridge.js";
import type { CostSurface } from "./costSurface.js";
import {
  classifierLayer,
  convLayers,
  type NetworkPlan,
  toLayer,
  type WidthSet,
  widthOf,
} from "./network.js";
import { selectByIndex } from "./select.js";
import type { SearchSpace } from "./space.js";

/**
 * The layers that cost cycles (every conv and the classifier; pools are free) with the tensors
 * the cost bridge needs. Equalizing 1×1 convs are left out of the soft cost: during the search
 * every layer is as wide as its widest option, so no node has inputs of different widths.
 */
function costLayers(plan: NetworkPlan, channels: Record<string, number>, batch: number): Layer[] {
  const convs = convLayers(plan).map((planned) => toLayer(planned, channels, batch));
  return [...convs, classifierLayer(plan, widthOf(plan.headInput, channels), batch)];
}

export interface MicroCost {
  bridge: CostBridge;
  /** latency and util at the given [edges, ops] op weights */
  evaluate(opWeights: tf.Tensor2D): { latencyMs: tf.Scalar; util: tf.Scalar };
}

/**
 * Stage 1: channels are fixed, so every layer's cost is a constant and the edge cost is
 * Σ_j w_j · cost(op_j): each op layer carries its edge's Gumbel weight, the rest weight 1.
 */
export function microCost(
  space: SearchSpace,
  plan: NetworkPlan,
  channels: Record<string, number>,
  surface: CostSurface,
  hardware: SimConfig,
  hardwareBatch: number,
): MicroCost {
  const layers = costLayers(plan, channels, hardwareBatch);
  const bridge = costBridge(surface, layers, hardware);
  const ops = Object.keys(space.ops);
  const fixedIndex = space.edges.length * ops.length;
  const planned = convLayers(plan);
  const indices = layers.map((_, i) => {
    const layer = planned[i];
    return layer?.edge !== undefined && layer.op !== undefined
      ? layer.edge * ops.length + ops.indexOf(layer.op)
      : fixedIndex;
  });
  const inChannels = layers.map((layer) => layer.c);
  const outChannels = layers.map((layer) => layer.f);
  return {
    bridge,
    evaluate: (opWeights) => {
      const weights = selectByIndex(
        tf.concat([opWeights.reshape([-1]), tf.ones([1])]) as tf.Tensor1D,
        indices,
      );
      return bridge(weights, tf.tensor1d(inChannels), tf.tensor1d(outChannels));
    },
  };
}

export interface ChannelCost {
  bridge: CostBridge;
  /** latency and util at soft channel counts, one per slot in `slots` order */
  evaluate(softChannels: tf.Tensor1D): { latencyMs: tf.Scalar; util: tf.Scalar };
}

/**
 * Stage 2: a layer's output channels are its slot's soft count Σ g_j·ch_j and its input channels
 * the widest soft count among the slots feeding it, so latency and utilization gradients reach
 * every channel logit through the engine's ∂cycles/∂c and ∂cycles/∂f.
 */
export function channelCost(
  plan: NetworkPlan,
  slots: readonly string[],
  widest: number,
  inChannels: number,
  surface: CostSurface,
  hardware: SimConfig,
  hardwareBatch: number,
): ChannelCost {
  const uniform = Object.fromEntries([
    ...slots.map((slot) => [slot, widest]),
    ["input", inChannels],
  ]);
  const layers = costLayers(plan, uniform, hardwareBatch);
  const bridge = costBridge(surface, layers, hardware);
  // Constants after the slots: the image channels, 0 (padding for max), the class count.
  const input = slots.length;
  const pad = slots.length + 1;
  const classes = slots.length + 2;
  const index = (slot: string) => (slot === "input" ? input : slots.indexOf(slot));
  const sources: WidthSet[] = [...convLayers(plan).map((l) => l.input), plan.headInput];
  const widestSet = Math.max(...sources.map((set) => set.length));
  const inputIndex = sources.map((set) => [
    ...set.map(index),
    ...Array(widestSet - set.length).fill(pad),
  ]);
  const inputColumns = Array.from({ length: widestSet }, (_, k) => inputIndex.map((row) => row[k]));
  const outputIndex = [...convLayers(plan).map((l) => index(l.slot)), classes];
  const weights = Array(layers.length).fill(1);
  return {
    bridge,
    evaluate: (softChannels) => {
      const extended = tf.concat([softChannels, tf.tensor1d([inChannels, 0, plan.classes])]);
      const candidates = inputColumns.map((column) =>
        selectByIndex(extended as tf.Tensor1D, column),
      );
      const cIn = tf.max(tf.stack(candidates, 1), 1) as tf.Tensor1D;
      const fOut = selectByIndex(extended as tf.Tensor1D, outputIndex);
      return bridge(tf.tensor1d(weights), cIn, fOut);
    },
  };
}
