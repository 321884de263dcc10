import * as tf from "@tensorflow/tfjs";
import { type BatchNormParams, batchNorm, type StatisticsLog } from "./batchNorm.js";
import { conv2d } from "./ops/conv2d.js";
import { depthwiseConv2d } from "./ops/depthwiseConv2d.js";
import { maxPool } from "./ops/maxPool.js";
import { mixedSum } from "./ops/mixedSum.js";
import type { ConvParams, NetworkParams } from "./params.js";
import { type CellPlan, equalizerName, type NetworkPlan } from "./plan.js";
import { cellOutput, type SearchSpace } from "./space.js";

export interface ForwardOptions {
  /** training: batch statistics (logged for the running averages); else running statistics */
  statistics?: StatisticsLog;
  /** microarchitecture supernet: per edge, the Gumbel-softmax weights over the space's ops */
  opWeights?: tf.Tensor2D;
  /** channel search: per slot, the DMask mask Σ_j g_j·mask_j over the widest output */
  masks?: Map<string, tf.Tensor1D>;
}

/** Logits of a batch of NHWC images through the network the plan describes. */
export function forward(
  space: SearchSpace,
  plan: NetworkPlan,
  params: NetworkParams,
  images: tf.Tensor4D,
  options: ForwardOptions,
): tf.Tensor2D {
  const stemParams = params.convs.get(plan.stem.name) as ConvParams;
  const stem = pool(convForward(stemParams, images, options));
  let previous = stem;
  let beforePrevious = stem;
  for (const cell of plan.cells) {
    let output = cellForward(space, cell, params, previous, beforePrevious, options);
    beforePrevious = previous;
    if (cell.poolAfter) output = pool(output);
    previous = output;
  }
  const flat = tf.reshape(previous, [previous.shape[0], -1]) as tf.Tensor2D;
  return tf.add(tf.matMul(flat, params.classifier.weights), params.classifier.bias);
}

const pool = (x: tf.Tensor4D) => maxPool(x, { size: 2, pad: "valid" });

/**
 * conv → BN → ReLU, or (dws) depthwise → BN → ReLU → 1×1 → BN → ReLU. In the channel search the
 * slot's DMask multiplies the (pointwise) conv output before BN and ReLU, as in the authors' Dmask
 * layer.
 */
function convForward(params: ConvParams, x: tf.Tensor4D, options: ForwardOptions): tf.Tensor4D {
  const { stride, dilation, type } = params.planned;
  const bnRelu = (y: tf.Tensor4D, bn: BatchNormParams) =>
    batchNorm(y, bn, options.statistics, true);
  // Our conv ops: their gradients are forward convs, fast on wasm and defined for dilation 2.
  const convolved =
    type === "dws"
      ? conv2d(
          bnRelu(
            depthwiseConv2d(x, params.depthwise as tf.Tensor4D, { dilation }),
            params.depthwiseBn as BatchNormParams,
          ),
          params.pointwise as tf.Tensor4D,
        )
      : conv2d(x, params.filter as tf.Tensor4D, { strides: stride, dilation });
  const mask = options.masks?.get(params.planned.slot);
  const masked = mask ? (tf.mul(convolved, mask) as tf.Tensor4D) : convolved;
  return bnRelu(masked, params.bn);
}

function cellForward(
  space: SearchSpace,
  cell: CellPlan,
  params: NetworkParams,
  previous: tf.Tensor4D,
  beforePrevious: tf.Tensor4D,
  options: ForwardOptions,
): tf.Tensor4D {
  const conv = (name: string) => params.convs.get(name) as ConvParams;
  const states = new Map<string, tf.Tensor4D>();
  // A pre layer whose input the derived cell never reads was pruned from the plan.
  const preLayers: [string, string, tf.Tensor4D][] = [
    [space.inputs[0], `cell${cell.index}.pre_p`, previous],
    [space.inputs[1], `cell${cell.index}.pre_pp`, beforePrevious],
  ];
  for (const [input, name, source] of preLayers) {
    if (params.convs.has(name)) states.set(input, convForward(conv(name), source, options));
  }
  for (const node of space.nodes) {
    const terms = cell.nodeInputs[node].map(({ edge }) => {
      const source = states.get(space.edges[edge][0]) as tf.Tensor4D;
      return options.opWeights
        ? mixedEdge(space, cell, edge, source, params, options)
        : chosenEdge(cell, edge, source, params, options);
    });
    if (terms.length > 0) states.set(node, equalizedSum(cell, node, terms, params, options));
  }
  return states.get(cellOutput(space)) as tf.Tensor4D;
}

/**
 * Stage 1: edge output = Σ_j w_j · op_j(x); identity passes x, zero adds nothing. One op sums
 * them (ops/mixedSum.ts).
 */
function mixedEdge(
  space: SearchSpace,
  cell: CellPlan,
  edge: number,
  source: tf.Tensor4D,
  params: NetworkParams,
  options: ForwardOptions,
): { edge: number; value: tf.Tensor4D } {
  const terms: tf.Tensor4D[] = [];
  const columns: number[] = [];
  Object.entries(space.ops).forEach(([op, entry], j) => {
    if (entry.type === "zero") return;
    terms.push(
      entry.type === "identity"
        ? source
        : convForward(
            params.convs.get(`cell${cell.index}.edge${edge}.${op}`) as ConvParams,
            source,
            options,
          ),
    );
    columns.push(j);
  });
  return { edge, value: mixedSum(terms, columns, options.opWeights as tf.Tensor2D, edge) };
}

function chosenEdge(
  cell: CellPlan,
  edge: number,
  source: tf.Tensor4D,
  params: NetworkParams,
  options: ForwardOptions,
) {
  const layer = cell.layers.find((planned) => planned.edge === edge);
  const value = layer
    ? convForward(params.convs.get(layer.name) as ConvParams, source, options)
    : source;
  return { edge, value };
}

/**
 * A node sums its inputs; narrower ones are first widened by their 1×1 equalizing
 * conv → BN → ReLU.
 */
function equalizedSum(
  cell: CellPlan,
  node: string,
  terms: { edge: number; value: tf.Tensor4D }[],
  params: NetworkParams,
  options: ForwardOptions,
) {
  return tf.addN(
    terms.map(({ edge, value }) => {
      const equalizer = params.equalizers.get(equalizerName(cell.index, node, edge));
      if (!equalizer) return value;
      return batchNorm(conv2d(value, equalizer.filter), equalizer.bn, options.statistics, true);
    }),
  );
}
