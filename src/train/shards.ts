/**
 * Data-parallel training in lockstep: each rank (worker thread) holds its own copy of the weights,
 * takes its share of every batch, computes gradients on it, and the ranks combine them into the
 * full batch's mean gradient, which every rank then applies; the copies never drift apart.
 * Batch norm normalizes with each share's own statistics; the running statistics move by the
 * share-weighted mean of the shares' means and variances.
 */
import * as tf from "@tensorflow/tfjs";
import type { StatisticsLog } from "../model/batchNorm.js";
import { heapValues } from "../model/heapValues.js";
import type { Lockstep } from "../pool/lockstep.js";

/** A rank's images [start, start + count) of a batch of `size`; the first size % ranks get one more. */
export function shardRange(size: number, rank: number, ranks: number) {
  const base = Math.floor(size / ranks);
  const extra = size % ranks;
  return { start: rank * base + Math.min(rank, extra), count: base + (rank < extra ? 1 : 0) };
}

export interface Shard {
  x: tf.Tensor4D;
  y: tf.Tensor1D;
  /** images of the batch this rank answers for (0 when the batch has fewer images than ranks) */
  images: number;
  /** images / batch size: the share's weight in the batch's mean */
  weight: number;
}

/**
 * This rank's share of a batch (the batch itself without a lockstep group). A rank with no image
 * still runs image 0 at weight 0, so every rank's sums have the same layout.
 */
export function takeShard(x: tf.Tensor4D, y: tf.Tensor1D, lockstep?: Lockstep): Shard {
  const size = x.shape[0];
  if (!lockstep) return { x, y, images: size, weight: 1 };
  const { start, count } = shardRange(size, lockstep.rank, lockstep.ranks);
  const [from, length] = count > 0 ? [start, count] : [0, 1];
  return {
    x: tf.slice(x, [from], [length]),
    y: tf.slice(y, [from], [length]),
    images: count,
    weight: count / size,
  };
}

/** The buffers of combineShares, kept between steps (a step sums ~1 M values in the demo). */
let sharedValues = new Float64Array(0);
let summedValues = new Float64Array(0);

/**
 * The whole batch's figures from every rank's share: the share-weighted sum of the gradients (of
 * `variables`, in their order; host values, as the optimizer takes them, valid until the next
 * call) and of the batch statistics, and the plain sum of `totals` (counts, already weighted
 * losses). One barrier. The statistics log's values are replaced in place.
 */
export function combineShares(
  lockstep: Lockstep,
  shard: Shard,
  variables: tf.Variable[],
  grads: tf.NamedTensorMap,
  statistics: StatisticsLog,
  totals: number[],
): { grads: Record<string, Float64Array>; totals: number[] } {
  const present = variables.filter((variable) => grads[variable.name] !== undefined);
  const parts: (tf.Tensor | Float32Array)[] = [
    ...present.map((variable) => grads[variable.name]),
    ...statistics.flatMap(({ mean, variance }) => [mean, variance]),
  ];
  const length = parts.reduce(
    (sum, part) => sum + (part instanceof tf.Tensor ? part.size : part.length),
    0,
  );
  if (sharedValues.length < length + totals.length) {
    sharedValues = new Float64Array(length + totals.length);
    summedValues = new Float64Array(length + totals.length);
  }
  const values = sharedValues.subarray(0, length + totals.length);
  let offset = 0;
  for (const part of parts) {
    offset = addWeighted(
      values,
      offset,
      part instanceof tf.Tensor ? heapValues(part) : part,
      shard.weight,
    );
  }
  values.set(totals, length);
  const summed = lockstep.sum(values, 1, summedValues);
  offset = 0;
  const next = (size: number) => {
    const part = summed.subarray(offset, offset + size);
    offset += size;
    return part;
  };
  const combined: Record<string, Float64Array> = {};
  for (const variable of present) combined[variable.name] = next(variable.size);
  for (const entry of statistics) {
    entry.mean = Float32Array.from(next(entry.mean.length));
    entry.variance = Float32Array.from(next(entry.variance.length));
  }
  return { grads: combined, totals: Array.from(summed.subarray(length)) };
}

/** Writes weight·data into values from offset on; returns the end. */
function addWeighted(
  values: Float64Array,
  offset: number,
  data: Float32Array,
  weight: number,
): number {
  for (let i = 0; i < data.length; i++) values[offset + i] = data[i] * weight;
  return offset + data.length;
}

/** Host gradients as tensors shaped like their variables (for tfjs optimizers). */
export function gradientTensors(
  variables: tf.Variable[],
  grads: Record<string, Float64Array>,
): tf.NamedTensorMap {
  const tensors: tf.NamedTensorMap = {};
  for (const variable of variables) {
    const values = grads[variable.name];
    if (values !== undefined)
      tensors[variable.name] = tf.tensor(Float32Array.from(values), variable.shape);
  }
  return tensors;
}
