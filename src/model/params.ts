import * as tf from "@tensorflow/tfjs";
import { type BatchNormParams, createBatchNorm } from "./batchNorm.js";
import {
  equalizerSpecs,
  fixedWidths,
  type NetworkPlan,
  type PlannedConv,
  widthOf,
} from "./plan.js";
import { tfSeed } from "./tfSeed.js";

/**
 * A block's weights: a k×k filter and its BN, or (dws) a depthwise filter with its own BN, then
 * a 1×1 filter with `bn`.
 */
export interface ConvParams {
  planned: PlannedConv;
  filter?: tf.Variable<tf.Rank.R4>;
  depthwise?: tf.Variable<tf.Rank.R4>;
  depthwiseBn?: BatchNormParams;
  pointwise?: tf.Variable<tf.Rank.R4>;
  bn: BatchNormParams;
}

/** A node's 1×1 equalizing conv → BN → ReLU. */
export interface EqualizerParams {
  filter: tf.Variable<tf.Rank.R4>;
  bn: BatchNormParams;
}

/** Every variable of a network built from a plan, addressable by layer name. */
export interface NetworkParams {
  convs: Map<string, ConvParams>;
  equalizers: Map<string, EqualizerParams>;
  classifier: { weights: tf.Variable<tf.Rank.R2>; bias: tf.Variable<tf.Rank.R1> };
  /** every variable by a stable key ("cell0.edge3.filter"), for checkpoints and saved models */
  named: Map<string, tf.Variable>;
}

// tfjs registers variables by name process-wide; each network gets its own prefix so a search
// can hold the supernet and the final network (or a test several models) at once.
let networksCreated = 0;

/** A process-unique name for an architecture variable (tfjs names variables globally). */
export function archVariableName(kind: string): string {
  return `net${networksCreated++}/${kind}`;
}

/** Makes variables under one network's prefix, with seeded He-normal initialisation. */
function variableFactory(seed: number) {
  let nextSeed = seed * 100_003;
  const prefix = `net${networksCreated++}/`;
  const named = new Map<string, tf.Variable>();
  const variable = <R extends tf.Rank>(key: string, value: tf.Tensor<R>, trainable = true) => {
    const v = tf.variable(value, trainable, prefix + key) as tf.Variable<R>;
    value.dispose();
    named.set(key, v);
    return v;
  };
  const normal = <R extends tf.Rank>(key: string, shape: number[], std: number) =>
    variable(
      key,
      tf.randomNormal(
        shape as number[],
        0,
        std,
        "float32",
        tfSeed(nextSeed++),
      ) as unknown as tf.Tensor<R>,
    );
  const heNormal = (key: string, shape: [number, number, number, number], fanIn: number) =>
    normal<tf.Rank.R4>(key, shape, Math.sqrt(2 / fanIn));
  return { named, variable, normal, heNormal };
}

/**
 * Creates the variables. `channels` gives every searched slot's width (the widest option during
 * the channel search, the chosen counts for the final network); the image's and the stem's
 * widths come from the plan.
 */
export function createParams(
  plan: NetworkPlan,
  searched: Record<string, number>,
  seed: number,
): NetworkParams {
  const channels = { ...searched, ...fixedWidths(plan) };
  const make = variableFactory(seed);
  const convs = new Map<string, ConvParams>();
  for (const layer of [plan.stem, ...plan.cells.flatMap((cell) => cell.layers)]) {
    const c = widthOf(layer.input, channels);
    const f = channels[layer.slot];
    const k = layer.k;
    const params: ConvParams = {
      planned: layer,
      bn: createBatchNorm(layer.name, f, make.variable),
    };
    if (layer.type === "dws") {
      params.depthwise = make.heNormal(`${layer.name}.depthwise`, [k, k, c, 1], k * k);
      params.depthwiseBn = createBatchNorm(`${layer.name}.depthwise_bn`, c, make.variable);
      params.pointwise = make.heNormal(`${layer.name}.pointwise`, [1, 1, c, f], c);
    } else {
      params.filter = make.heNormal(`${layer.name}.filter`, [k, k, c, f], k * k * c);
    }
    convs.set(layer.name, params);
  }
  const equalizers = new Map<string, EqualizerParams>();
  for (const cell of plan.cells) {
    for (const { name, c, f } of equalizerSpecs(cell, channels)) {
      equalizers.set(name, {
        filter: make.heNormal(`${name}.filter`, [1, 1, c, f], c),
        bn: createBatchNorm(name, f, make.variable),
      });
    }
  }
  // Flatten: the classifier reads every position of the last cell's output.
  const features = plan.headSize * plan.headSize * widthOf(plan.headInput, channels);
  const classifier = {
    weights: make.normal<tf.Rank.R2>(
      "classifier.weights",
      [features, plan.classes],
      Math.sqrt(1 / features),
    ),
    bias: make.variable("classifier.bias", tf.zeros([plan.classes]) as tf.Tensor1D),
  };
  return { convs, equalizers, classifier, named: make.named };
}

/** Trainable variables (BN running statistics excluded). */
export function trainableVariables(params: NetworkParams): tf.Variable[] {
  return [...params.named.values()].filter((v) => v.trainable);
}

export function disposeParams(params: NetworkParams): void {
  tf.dispose([...params.named.values()]);
}
