/**
 * conv2d (NHWC, square stride/dilation, "same"/"valid") whose gradients are forward convs, so it
 * trains on every backend at forward-conv speed, dilated convs included (tfjs's own conv2d
 * gradient rejects dilation > 1, and the wasm backend has no filter-gradient kernel).
 */
import * as tf from "@tensorflow/tfjs";
import { conv2dBackpropFilter, conv2dBackpropInput } from "../gradients/conv2dGrad.js";
import { runNativeConv } from "../native/convKernels.js";
import { type ConvOptions, convConfig, convInfo } from "./convGeometry.js";

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
    // the native kernels where the backend has them (onnxruntime), else tfjs's forward convs
    const info = convInfo(input.shape, weights.shape, config, false);
    return {
      value:
        runNativeConv("conv", info, [input, weights]) ??
        tf.conv2d(input, weights, config.strides, config.pad, "NHWC", config.dilation),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [savedInput, savedWeights] = saved as [tf.Tensor4D, tf.Tensor4D];
        return [
          runNativeConv("convInputGradient", info, [dy, savedWeights]) ??
            conv2dBackpropInput(dy, savedWeights, savedInput.shape, config),
          runNativeConv("convFilterGradient", info, [savedInput, dy]) ??
            conv2dBackpropFilter(savedInput, dy, savedWeights.shape, config),
        ];
      },
    };
  });
  return op(x, filter) as tf.Tensor4D;
}
