/**
 * conv2d (NHWC, square stride/dilation, "same"/"valid") whose gradients are forward convs, so it
 * trains on every backend at forward-conv speed, dilated convs included (tfjs's own conv2d
 * gradient rejects dilation > 1, and the wasm backend has no filter-gradient kernel).
 */
import * as tf from "@tensorflow/tfjs";
import { conv2dBackpropFilter, conv2dBackpropInput } from "../gradients/conv2dGrad.js";
import { type ConvOptions, convConfig } from "./convGeometry.js";

/** x: [batch, height, width, in]; filter: [kh, kw, in, out]. */
export function conv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  options: ConvOptions = {},
): tf.Tensor4D {
  const config = convConfig(options);
  const op = tf.customGrad((...args) => {
    const [input, weights, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([input, weights]);
    return {
      value: tf.conv2d(input, weights, config.strides, config.pad, "NHWC", config.dilation),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [savedInput, savedWeights] = saved as [tf.Tensor4D, tf.Tensor4D];
        return [
          conv2dBackpropInput(dy, savedWeights, savedInput.shape, config),
          conv2dBackpropFilter(savedInput, dy, savedWeights.shape, config),
        ];
      },
    };
  });
  return op(x, filter) as tf.Tensor4D;
}
