import * as tf from "@tensorflow/tfjs";
import type { ImageSet } from "../data/imageSet.js";
import type { Lockstep } from "../pool/lockstep.js";
import { takeShard } from "./shards.js";

/** Number of rows whose largest logit is the label. */
export function correctCount(logits: tf.Tensor2D, labels: tf.Tensor1D): number {
  return tf.tidy(
    () =>
      tf
        .sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(labels, "int32")), "int32"))
        .dataSync()[0],
  );
}

/**
 * Top-1 accuracy of `logits` over a whole split, in batches, BN with running statistics; in a
 * lockstep group each rank scores its share of every batch.
 */
export function evaluateTop1(
  data: ImageSet,
  batch: number,
  logits: (x: tf.Tensor4D) => tf.Tensor2D,
  lockstep?: Lockstep,
): number {
  let correct = 0;
  let seen = 0;
  for (const { x, y } of data.batches(batch, { seed: 0, augment: false })) {
    const shard = takeShard(x, y, lockstep);
    if (shard.images > 0) correct += tf.tidy(() => correctCount(logits(shard.x), shard.y));
    seen += x.shape[0];
    tf.dispose([x, y, shard.x, shard.y]);
  }
  if (lockstep) correct = lockstep.sum([correct])[0];
  return seen > 0 ? correct / seen : 0;
}

/** Rows of consecutive epochs from the first, numbered 1, 2, … */
export function numberEpochs<Row extends { epoch: number }>(rows: Row[]): Row[] {
  return rows.map((row, i) => ({ ...row, epoch: i + 1 }));
}
