/**
 * The convolution settings the search uses (square stride and dilation, "same" or "valid"
 * padding) and the tfjs geometry derived from them. Padding is computed once, by tfjs's own
 * computeConv2DInfo, so the forward kernels and our gradients cannot disagree about it.
 */
import * as tf from "@tensorflow/tfjs";

export type Padding = "same" | "valid";

export interface ConvOptions {
  /** same stride along height and width (default 1) */
  strides?: number;
  /** same dilation along height and width (default 1) */
  dilation?: number;
  /** default "same" */
  pad?: Padding;
}

export type ConvConfig = Required<ConvOptions>;

export type ConvInfo = tf.backend_util.Conv2DInfo;

export function convConfig(options: ConvOptions = {}): ConvConfig {
  const config = {
    strides: options.strides ?? 1,
    dilation: options.dilation ?? 1,
    pad: options.pad ?? "same",
  };
  for (const key of ["strides", "dilation"] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) {
      throw new RangeError(`conv ${key} must be a positive integer (got ${config[key]})`);
    }
  }
  // tfjs's conv ops refuse the combination, and so would the stride-as-dilation filter gradient.
  if (config.strides > 1 && config.dilation > 1) {
    throw new RangeError("conv: stride and dilation cannot both exceed 1");
  }
  return config;
}

export function convInfo(
  xShape: readonly number[],
  filterShape: readonly number[],
  config: ConvConfig,
  depthwise: boolean,
): ConvInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    config.strides,
    config.dilation,
    config.pad,
    undefined,
    depthwise,
  );
}

/** One spatial axis of a conv: what the gradients need to know about it. */
export interface ConvAxis {
  inSize: number;
  outSize: number;
  kernel: number;
  stride: number;
  dilation: number;
  /** zero rows added before the input by the forward pass */
  padBefore: number;
}

export function heightAxis(info: ConvInfo): ConvAxis {
  return {
    inSize: info.inHeight,
    outSize: info.outHeight,
    kernel: info.filterHeight,
    stride: info.strideHeight,
    dilation: info.dilationHeight,
    padBefore: info.padInfo.top,
  };
}

export function widthAxis(info: ConvInfo): ConvAxis {
  return {
    inSize: info.inWidth,
    outSize: info.outWidth,
    kernel: info.filterWidth,
    stride: info.strideWidth,
    dilation: info.dilationWidth,
    padBefore: info.padInfo.left,
  };
}
