/** conv → batch norm → ReLU, the plain network's building block. */
import * as tf from "@tensorflow/tfjs";
import { applyBatchNorm, type BatchNorm, createBatchNorm } from "./batchNorm.js";
import { applyConv, type Conv, type ConvSpec, createConv } from "./conv.js";
import type { SeedStream } from "./init.js";

export interface ConvBnRelu {
  conv: Conv;
  bn: BatchNorm;
}

export function createConvBnRelu(spec: ConvSpec, seeds: SeedStream): ConvBnRelu {
  return { conv: createConv(spec, seeds), bn: createBatchNorm({ channels: spec.outChannels }) };
}

export function applyConvBnRelu(layer: ConvBnRelu, x: tf.Tensor4D, training: boolean) {
  return tf.relu(applyBatchNorm(layer.bn, applyConv(layer.conv, x), training));
}
