import * as tf from "@tensorflow/tfjs";
import type { LayerCosts } from "./costBridge.js";

/**
 * Where each costed layer sits. A block is what the authors' code costs as one layer (a separable
 * conv's depthwise and pointwise are one block); a group is one mixed edge (its candidate ops'
 * blocks), a pre-conv or an equalizing 1×1 conv; groups belong to cells. Ops that cost nothing
 * (zero, identity, pools) have no layer at all, so they can neither lower nor raise a cost.
 */
export interface CostStructure {
  /** per costed layer, its block */
  blockOf: number[];
  /** per block, its group */
  groupOf: number[];
  /** per group, its cell (cells numbered from 0, each with at least one group) */
  cellOf: number[];
}

export interface CostTerms {
  latencyMs: tf.Scalar;
  /**
   * the utilization term the loss rewards (− β·util): with the reference terms the authors' sum of
   * the cells' mean utilizations, which exceeds 1 once there are several cells; with the network
   * terms, networkUtil
   */
  util: tf.Scalar;
  /**
   * the network's MAC-weighted utilization, Σ ideal / Σ runtime over the costed layers weighted as
   * the latency weights them: a fraction in [0, 1], what a reader means by utilization
   */
  networkUtil: tf.Scalar;
}

/**
 * The authors' terms (their `Lmask`, `SeparableConv`, `Cell` and `Model` forward passes):
 *   block:  runtime t = Σ its layers' runtimes, utilization u = their mean (separable: (u_dw + u_pw)/2)
 *   group:  t = Σ g_b·t_b / Σ g_b, u = Σ g_b·u_b / Σ g_b over its blocks (g: Gumbel op weights)
 *   cell:   latency = Σ e·t over its groups, utilization = Σ e·u / Σ e (the mean; e = 1 except for
 *           an equalizer, whose e is the probability that it exists)
 *   network: latency = Σ cells' latencies, utilization = Σ cells' utilizations (not a mean).
 * Beside them, the network's utilization proper (networkUtil), for the metrics and the console.
 */
export function referenceTerms(
  structure: CostStructure,
  costs: LayerCosts,
  blockWeights: tf.Tensor1D,
  groupWeights: tf.Tensor1D,
): CostTerms {
  const { sum, mean, group, cell } = matricesOf(structure);
  const blockRuntime = apply(sum, costs.runtimeMs);
  const blockUtil = apply(mean, tf.div(costs.idealMs, costs.runtimeMs) as tf.Tensor1D);
  const weightSum = tf.add(apply(group, blockWeights), 1e-12);
  const groupRuntime = tf.div(apply(group, tf.mul(blockWeights, blockRuntime)), weightSum);
  const groupUtil = tf.div(apply(group, tf.mul(blockWeights, blockUtil)), weightSum);
  const cellLatency = apply(cell, tf.mul(groupWeights, groupRuntime) as tf.Tensor1D);
  const cellUtil = tf.div(
    apply(cell, tf.mul(groupWeights, groupUtil) as tf.Tensor1D),
    apply(cell, groupWeights),
  );
  const latencyMs = tf.sum(cellLatency) as tf.Scalar;
  // The ideal (full-array) time, weighted exactly as the runtimes are in the latency.
  const blockIdeal = apply(sum, costs.idealMs);
  const groupIdeal = tf.div(apply(group, tf.mul(blockWeights, blockIdeal)), weightSum);
  const idealMs = tf.sum(tf.mul(groupWeights, groupIdeal));
  return {
    latencyMs,
    util: tf.sum(cellUtil),
    networkUtil: tf.div(idealMs, latencyMs) as tf.Scalar,
  };
}

/**
 * Today's network-wide terms: latency = Σ w·t over every costed layer, utilization = Σ w·ideal /
 * Σ w·t (ΣMACs / (Σcycles · PEs)), w the layer's op weight. Zero ops are free, so a cheap-looking
 * mixture of zero and a conv costs less than the conv.
 */
export function networkTerms(costs: LayerCosts, layerWeights: tf.Tensor1D): CostTerms {
  const latencyMs = tf.sum(tf.mul(layerWeights, costs.runtimeMs)) as tf.Scalar;
  const ideal = tf.sum(tf.mul(layerWeights, costs.idealMs));
  const util = tf.div(ideal, latencyMs) as tf.Scalar;
  return { latencyMs, util, networkUtil: util };
}

/** Σ over members: row r of `matrix` marks which entries of `values` belong to r. */
function apply(matrix: tf.Tensor2D, values: tf.Tensor): tf.Tensor1D {
  return tf.matMul(matrix, values.reshape([-1, 1])).reshape([-1]) as tf.Tensor1D;
}

interface Matrices {
  sum: tf.Tensor2D;
  mean: tf.Tensor2D;
  group: tf.Tensor2D;
  cell: tf.Tensor2D;
}

// The structure is fixed for a stage: build its membership matrices once.
const cache = new WeakMap<CostStructure, Matrices>();

function matricesOf(structure: CostStructure): Matrices {
  let matrices = cache.get(structure);
  if (!matrices) {
    const { blockOf, groupOf, cellOf } = structure;
    const sum = membership(blockOf, groupOf.length);
    const counts = sum.map((row) => row.reduce((a, b) => a + b, 0));
    matrices = tf.tidy(() => ({
      sum: tf.keep(tf.tensor2d(sum)),
      mean: tf.keep(tf.tensor2d(sum.map((row, b) => row.map((x) => x / counts[b])))),
      group: tf.keep(tf.tensor2d(membership(groupOf, cellOf.length))),
      cell: tf.keep(tf.tensor2d(membership(cellOf, Math.max(...cellOf) + 1))),
    }));
    cache.set(structure, matrices);
  }
  return matrices;
}

function membership(ownerOf: readonly number[], owners: number): number[][] {
  return Array.from({ length: owners }, (_, owner) => ownerOf.map((o) => (o === owner ? 1 : 0)));
}
