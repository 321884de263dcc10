/**
 * Depthwise conv2d (NHWC, channel multiplier 1, square stride/dilation) whose gradients are
 * forward depthwise convs: tfjs's own gradient rejects dilation > 1 and the wasm backend has no
 * depthwise gradient kernels.
 */
import * as tf from "@tensorflow/tfjs";
import {
  depthwiseConv2dBackpropFilter,
  depthwiseConv2dBackpropInput,
} from "../gradients/depthwiseConv2dGrad.js";
import { runNativeConv } from "../native/convKernels.js";
import { type ConvOptions, convConfig, convInfo } from "./convGeometry.js";

/** x: [batch, height, width, C]; filter: [kh, kw, C, 1]. */
export function depthwiseConv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  options: ConvOptions = {},
): tf.Tensor4D {
  const config = convConfig(options);
  if (filter.shape[3] !== 1) {
    throw new RangeError(`depthwiseConv2d: channel multiplier must be 1 (got ${filter.shape[3]})`);
  }
  const op = tf.customGrad((...args) => {
    const [input, weights, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([input, weights]);
    const info = convInfo(input.shape, weights.shape, config, true);
    return {
      value: tf.depthwiseConv2d(
        input,
        weights,
        config.strides,
        config.pad,
        "NHWC",
        config.dilation,
      ),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [savedInput, savedWeights] = saved as [tf.Tensor4D, tf.Tensor4D];
        return [
          depthwiseConv2dBackpropInput(dy, savedWeights, savedInput.shape, config),
          // the native kernel where the backend has it (onnxruntime), else a tfjs forward conv
          runNativeConv("depthwiseFilterGradient", info, [savedInput, dy]) ??
            depthwiseConv2dBackpropFilter(savedInput, dy, savedWeights.shape, config),
        ];
      },
    };
  });
  return op(x, filter) as tf.Tensor4D;
}
