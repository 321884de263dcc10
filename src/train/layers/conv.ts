/** A dense conv layer: one filter variable, no bias (a batch norm always follows). */
import type * as tf from "@tensorflow/tfjs";
import { macsOf } from "../../engine/reference.js";
import { conv2d } from "../ops/conv2d.js";
import type { ConvOptions } from "../ops/convGeometry.js";
import { heNormal, type SeedStream } from "./init.js";

export interface ConvSpec extends ConvOptions {
  inChannels: number;
  outChannels: number;
  kernel: number;
}

export interface Conv {
  spec: ConvSpec;
  /** [kernel, kernel, inChannels, outChannels] */
  filter: tf.Variable;
}

export function createConv(spec: ConvSpec, seeds: SeedStream): Conv {
  const { kernel, inChannels, outChannels } = spec;
  const filter = heNormal(
    [kernel, kernel, inChannels, outChannels],
    kernel * kernel * inChannels,
    seeds,
  );
  return { spec, filter };
}

export function applyConv(layer: Conv, x: tf.Tensor4D): tf.Tensor4D {
  return conv2d(x, layer.filter as tf.Tensor4D, layer.spec);
}

/** Multiply-accumulates of one image through the layer, given its output's height and width. */
/** Per image; the count is the cost model's (macsOf), so FLOP rates and costs agree. */
export function convMacs(spec: ConvSpec, outHeight: number, outWidth: number): number {
  const { kernel, inChannels, outChannels } = spec;
  return macsOf({
    ...layerAt(outHeight, outWidth),
    type: "conv",
    k1: kernel,
    k2: kernel,
    c: inChannels,
    f: outChannels,
  });
}

/** A one-image layer record of the given output size, for macsOf. */
export function layerAt(outHeight: number, outWidth: number) {
  return { name: "", h: outHeight, w: outWidth, stride: 1, dilation: 1, batch: 1 };
}
