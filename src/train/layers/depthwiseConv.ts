/** A depthwise conv layer (channel multiplier 1): one filter variable, no bias. */
import type * as tf from "@tensorflow/tfjs";
import { macsOf } from "../../engine/reference.js";
import type { ConvOptions } from "../ops/convGeometry.js";
import { depthwiseConv2d } from "../ops/depthwiseConv2d.js";
import { layerAt } from "./conv.js";
import { heNormal, type SeedStream } from "./init.js";

export interface DepthwiseConvSpec extends ConvOptions {
  channels: number;
  kernel: number;
}

export interface DepthwiseConv {
  spec: DepthwiseConvSpec;
  /** [kernel, kernel, channels, 1] */
  filter: tf.Variable;
}

export function createDepthwiseConv(spec: DepthwiseConvSpec, seeds: SeedStream): DepthwiseConv {
  const { kernel, channels } = spec;
  return { spec, filter: heNormal([kernel, kernel, channels, 1], kernel * kernel, seeds) };
}

export function applyDepthwiseConv(layer: DepthwiseConv, x: tf.Tensor4D): tf.Tensor4D {
  return depthwiseConv2d(x, layer.filter as tf.Tensor4D, layer.spec);
}

/** Per image, by the cost model's macsOf. */
export function depthwiseConvMacs(spec: DepthwiseConvSpec, outHeight: number, outWidth: number) {
  const { kernel, channels } = spec;
  return macsOf({
    ...layerAt(outHeight, outWidth),
    type: "dwconv",
    k1: kernel,
    k2: kernel,
    c: channels,
    f: channels,
  });
}
