/**
 * CONV-to-GEMM mapping (im2col, as in SCALE-Sim and the U-Boost paper §3.2): each output pixel is
 * one row of the input matrix, so a layer becomes (M × K) · (K × N) with M = h·w·b streamed
 * through the array, K = k1·k2·c on the array rows and N = f on the array columns.
 */
import { EngineKind, engineKindOf, type Layer } from "../../layers/layer.js";

/** One matrix product (streamRows × depth) · (depth × width), run `count` times back to back. */
export interface Gemm {
  /** M: input rows streamed through the array, one per output pixel and image */
  streamRows: number;
  /** K: reduction length, tiled over the array rows */
  depth: number;
  /** N: outputs per input row, tiled over the array columns */
  width: number;
  /** independent instances in sequence (depthwise: one per channel) */
  count: number;
  /** distinct input activation elements one instance reads (not the im2col copies) */
  inputElems: number;
}

/** Input rows (or columns) an unpadded window covers to produce `out` outputs. */
export function inputExtent(out: number, kernel: number, stride: number, dilation: number) {
  return (out - 1) * stride + (kernel - 1) * dilation + 1;
}

function inputPlane(layer: Layer): number {
  const { k1, k2, h, w, stride, dilation } = layer;
  return inputExtent(h, k1, stride, dilation) * inputExtent(w, k2, stride, dilation);
}

function convGemm(layer: Layer): Gemm {
  const { k1, k2, c, f, h, w, batch } = layer;
  const inputElems = inputPlane(layer) * c * batch;
  return { streamRows: h * w * batch, depth: k1 * k2 * c, width: f, count: 1, inputElems };
}

// Paper appendix: a depthwise filter only sees its own channel, so each channel is its own
// (k1k2 × 1) GEMM on one array column, run one after another.
function depthwiseGemm(layer: Layer): Gemm {
  const { k1, k2, c, h, w, batch } = layer;
  const inputElems = inputPlane(layer) * batch;
  return { streamRows: h * w * batch, depth: k1 * k2, width: 1, count: c, inputElems };
}

// The pointwise half of a separable conv reads the depthwise output: h × w × c, no halo.
function pointwiseGemm(layer: Layer): Gemm {
  const { c, f, h, w, batch } = layer;
  return { streamRows: h * w * batch, depth: c, width: f, count: 1, inputElems: h * w * c * batch };
}

// A fully connected layer is a 1×1 conv on a 1×1 map: one input row per image.
function fcGemm(layer: Layer): Gemm {
  const { c, f, batch } = layer;
  return { streamRows: batch, depth: c, width: f, count: 1, inputElems: c * batch };
}

/** The GEMMs a layer runs, in order; free layers (pool, add, ...) run none. */
export function gemmsOf(layer: Layer): Gemm[] {
  switch (engineKindOf[layer.type]) {
    case EngineKind.conv:
      return [convGemm(layer)];
    case EngineKind.dwconv:
      return [depthwiseGemm(layer)];
    case EngineKind.dws:
      return [depthwiseGemm(layer), pointwiseGemm(layer)];
    case EngineKind.fc:
      return [fcGemm(layer)];
    default:
      return [];
  }
}
