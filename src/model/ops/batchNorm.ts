/**
 * Training-mode batch norm over batch, height and width (NHWC), optionally followed by ReLU:
 * normalizes with the batch's mean and biased variance, as PyTorch's BatchNorm2d does in
 * training. Small activations go to the host (batchNormHost.ts), where a layer is one op each
 * way; large ones to tfjs kernels (here; gradient in gradients/batchNormGrad.ts), which are
 * several times faster on wasm than tf.moments + tf.batchNorm and their autodiff (measured ≈ 60
 * → ≈ 10 ms forward + backward on 64×16×16×64) and faster than the host's plain loops there.
 */
import * as tf from "@tensorflow/tfjs";
import { batchNormBackprop } from "../gradients/batchNormGrad.js";
import { heapValues } from "../heapValues.js";
import { hostBatchNormTrain } from "./batchNormHost.js";
import { channelAffine, channelMean } from "./channelOps.js";

/**
 * Activations of up to this many values are normalized on the host. Forward + backward with
 * ReLU after, wasm, one thread, host vs kernels: 16×4×4×16 0.26 vs 1.8 ms, 16×8×8×16 1.0 vs
 * 1.8 ms, 32×8×8×16 1.8 vs 2.7 ms, but 32×16×16×16 6.6 vs 2.5 ms and 64×32×32×64 240 vs 62 ms.
 */
export const hostBatchNormLimit = 65_536;

/** A batch's per-channel statistics, as float32 host values the caller may keep. */
export interface BatchStatistics {
  mean: Float32Array;
  /** biased (divided by count) */
  variance: Float32Array;
}

export interface BatchNormTrainOptions {
  /** default 1e-5 */
  epsilon?: number;
  /** ReLU after the affine map */
  relu?: boolean;
  /** sees the batch statistics (for the running averages) */
  onStatistics?: (statistics: BatchStatistics) => void;
}

export function batchNormTrain(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  options: BatchNormTrainOptions = {},
): tf.Tensor4D {
  if (x.size <= hostBatchNormLimit) return hostBatchNormTrain(x, gamma, beta, options);
  if (!options.relu) return kernelBatchNormTrain(x, gamma, beta, options);
  return tf.tidy(() => tf.relu(kernelBatchNormTrain(x, gamma, beta, options)));
}

/**
 * With tfjs kernels. `onStatistics` sees the statistics while they live, inside the forward
 * pass, which tfjs runs inside its own tidy.
 */
function kernelBatchNormTrain(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  options: BatchNormTrainOptions,
): tf.Tensor4D {
  const epsilon = options.epsilon ?? 1e-5;
  const op = tf.customGrad((...args) => {
    const [input, scale, offset, save] = args as [
      tf.Tensor4D,
      tf.Tensor1D,
      tf.Tensor1D,
      tf.GradSaveFunc,
    ];
    const mean = channelMean(input);
    const variance = tf.tidy(() => channelMean(tf.squaredDifference(input, mean)));
    options.onStatistics?.({
      mean: Float32Array.from(heapValues(mean)),
      variance: Float32Array.from(heapValues(variance)),
    });
    save([input, scale, mean, variance]);
    const value = tf.tidy(() => {
      const inputScale = tf.mul(scale, tf.rsqrt(tf.add(variance, epsilon)));
      return channelAffine(input, inputScale, tf.sub(offset, tf.mul(mean, inputScale)));
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [savedInput, savedScale, savedMean, savedVariance] = saved as [
          tf.Tensor4D,
          tf.Tensor1D,
          tf.Tensor1D,
          tf.Tensor1D,
        ];
        return batchNormBackprop(dy, savedInput, savedScale, savedMean, savedVariance, epsilon);
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}
