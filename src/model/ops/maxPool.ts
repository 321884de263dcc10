/** Max pooling (NHWC) with a gradient that is right on every backend (see maxPoolGrad.ts). */
import * as tf from "@tensorflow/tfjs";
import { maxPoolBackprop } from "../gradients/maxPoolGrad.js";
import type { Padding } from "./convGeometry.js";

export interface PoolOptions {
  /** window height and width */
  size: number;
  /** default: size */
  strides?: number;
  /** default "same" */
  pad?: Padding;
}

export function maxPool(x: tf.Tensor4D, options: PoolOptions): tf.Tensor4D {
  const { size, strides = size, pad = "same" } = options;
  const info = tf.backend_util.computePool2DInfo(x.shape, size, strides, 1, pad);
  const op = tf.customGrad((...args) => {
    const [input, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
    const value = tf.maxPool(input, size, strides, pad);
    save([input, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) =>
        maxPoolBackprop(dy, saved[0] as tf.Tensor4D, saved[1] as tf.Tensor4D, info),
    };
  });
  return op(x) as tf.Tensor4D;
}
