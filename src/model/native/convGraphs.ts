/**
 * The ONNX graphs the native conv kernels run, one per (kind, shape): a conv and its two
 * gradients, and a depthwise conv's filter gradient. They take and give tensors in tfjs's layouts
 * (NHWC activations, [kh, kw, in, out] filters) and transpose to ONNX's NCHW inside the graph,
 * where the runtime's transposes are a few milliseconds against the conv's tens.
 *
 * - forward: Conv;
 * - input gradient: ConvTranspose with the forward pads, plus the output padding that gives back
 *   the input's exact size (the rows a strided forward pass never read);
 * - filter gradient: per tap (p, q), the input window that tap read (a strided Slice of the padded
 *   input) against dy: a Gemm over every pixel for a conv (measured, 3×3, 64 → 64 channels, batch
 *   64: 64 GFLOP/s at 32×32 and 113 at 8×8, against 52 and 55 for the same gradient as one Conv
 *   with dy as its filter), a multiply-and-sum for a depthwise conv.
 */
import {
  type AttributeProto,
  floatValueInfo,
  int64Tensor,
  type ModelProto,
  type NodeProto,
  onnxAttribute,
} from "../../onnx/proto.js";
import { convNodeAttributes } from "../onnxGraph.js";
import type { ConvInfo } from "../ops/convGeometry.js";

/**
 * A depthwise conv's forward pass and input gradient stay with tfjs: XNNPACK's NHWC depthwise
 * kernels beat onnxruntime's NCHW ones there (measured, 3×3, 64 channels, batch 64: 32×32
 * forward 31 against 71 ms, 16×16 stride 2 2.2 against 11.5 ms), while its filter gradient is
 * the other way round (150 against 74 ms, 16.6 against 4.5 ms).
 */
export type ConvGraphKind =
  | "conv"
  | "convInputGradient"
  | "convFilterGradient"
  | "depthwiseFilterGradient";

export interface ConvGraph {
  model: ModelProto;
  /** the graph's input names, in the order the kernel passes its tensors */
  inputs: string[];
  output: string;
  outShape: number[];
}

/** Everything a graph is built from: two calls with equal keys build the same graph. */
export function convGraphKey(kind: ConvGraphKind, info: ConvInfo): string {
  const { top, bottom, left, right } = info.padInfo;
  return [
    kind,
    ...info.inShape,
    ...info.filterShape,
    info.outChannels,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    top,
    bottom,
    left,
    right,
  ].join(",");
}

/**
 * The graph of `kind` for a conv of geometry `info`, or undefined where ONNX cannot express it
 * exactly (a ConvTranspose output padding of a stride or more: only reachable with "valid"
 * padding and input rows no tap reads); the caller then uses the tfjs kernels.
 */
export function convGraph(kind: ConvGraphKind, info: ConvInfo): ConvGraph | undefined {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outChannels: f } = info;
  const x = [n, h, w, c];
  const dy = [n, info.outHeight, info.outWidth, f];
  const filter = info.filterShape;
  const b = graphBuilder();
  if (kind === "conv") {
    const y = b.node("Conv", [toNchw(b, "x"), onnxFilter(b, "filter")], convNodeAttributes(info));
    return b.graph(
      [
        ["x", x],
        ["filter", filter],
      ],
      fromNchw(b, y),
      dy,
    );
  }
  if (kind === "convInputGradient") {
    const outputPadding = [outputPaddingOf(info, "height"), outputPaddingOf(info, "width")];
    const limit = Math.max(info.strideHeight, info.dilationHeight);
    if (outputPadding.some((rows) => rows < 0 || rows >= limit)) return undefined;
    const dx = b.node(
      "ConvTranspose",
      [toNchw(b, "dy"), onnxFilter(b, "filter")],
      [...convNodeAttributes(info), onnxAttribute.ints("output_padding", outputPadding)],
    );
    return b.graph(
      [
        ["dy", dy],
        ["filter", filter],
      ],
      fromNchw(b, dx),
      x,
    );
  }
  const gradient = filterGradient(b, info, kind === "depthwiseFilterGradient");
  return b.graph(
    [
      ["x", x],
      ["dy", dy],
    ],
    gradient,
    filter,
  );
}

/** Σ over pixels of each tap's input window times dy, the taps stacked in [kh, kw] order. */
function filterGradient(b: GraphBuilder, info: ConvInfo, depthwise: boolean): string {
  const { top, left } = info.padInfo;
  const s = [info.strideHeight, info.strideWidth];
  const d = [info.dilationHeight, info.dilationWidth];
  const rowsRead = d[0] * (info.filterHeight - 1) + s[0] * (info.outHeight - 1) + 1;
  const colsRead = d[1] * (info.filterWidth - 1) + s[1] * (info.outWidth - 1) + 1;
  const bottom = Math.max(0, rowsRead - info.inHeight - top);
  const right = Math.max(0, colsRead - info.inWidth - left);
  const padded =
    top + left + bottom + right === 0
      ? "x"
      : b.node("Pad", ["x", b.int64s([0, top, left, 0, 0, bottom, right, 0])]);
  const channels = info.inChannels;
  const dyRows = depthwise ? "dy" : b.node("Reshape", ["dy", b.int64s([-1, info.outChannels])]);
  const axes = b.int64s([1, 2]);
  const steps = b.int64s(s);
  const taps: string[] = [];
  for (let p = 0; p < info.filterHeight; p++) {
    for (let q = 0; q < info.filterWidth; q++) {
      const start = [d[0] * p, d[1] * q];
      const end = [
        start[0] + s[0] * (info.outHeight - 1) + 1,
        start[1] + s[1] * (info.outWidth - 1) + 1,
      ];
      const window = b.node("Slice", [padded, b.int64s(start), b.int64s(end), axes, steps]);
      taps.push(
        depthwise
          ? b.node(
              "ReduceSum",
              [b.node("Mul", [window, "dy"]), b.int64s([0, 1, 2])],
              [onnxAttribute.int("keepdims", 0)],
            )
          : b.node(
              "Gemm",
              [b.node("Reshape", [window, b.int64s([-1, channels])]), dyRows],
              [onnxAttribute.int("transA", 1)],
            ),
      );
    }
  }
  const stacked = b.node("Concat", taps, [onnxAttribute.int("axis", 0)]);
  const shape = [info.filterHeight, info.filterWidth, channels, depthwise ? 1 : info.outChannels];
  return b.node("Reshape", [stacked, b.int64s(shape)]);
}

/**
 * ConvTranspose's output has s·(Ho − 1) + d·(k − 1) + 1 − pads + output_padding rows: the padding
 * that makes it the forward input's size.
 */
function outputPaddingOf(info: ConvInfo, axis: "height" | "width"): number {
  const height = axis === "height";
  const inSize = height ? info.inHeight : info.inWidth;
  const outSize = height ? info.outHeight : info.outWidth;
  const stride = height ? info.strideHeight : info.strideWidth;
  const dilation = height ? info.dilationHeight : info.dilationWidth;
  const kernel = height ? info.filterHeight : info.filterWidth;
  const pads = height
    ? info.padInfo.top + info.padInfo.bottom
    : info.padInfo.left + info.padInfo.right;
  return inSize - (stride * (outSize - 1) + dilation * (kernel - 1) + 1 - pads);
}

/** tfjs's [kh, kw, in, out] filter as ONNX's [out, in, kh, kw]. */
function onnxFilter(b: GraphBuilder, name: string): string {
  return b.node("Transpose", [name], [onnxAttribute.ints("perm", [3, 2, 0, 1])]);
}

const toNchw = (b: GraphBuilder, name: string) =>
  b.node("Transpose", [name], [onnxAttribute.ints("perm", [0, 3, 1, 2])]);
const fromNchw = (b: GraphBuilder, name: string) =>
  b.node("Transpose", [name], [onnxAttribute.ints("perm", [0, 2, 3, 1])]);

/** Nodes named v0, v1, … in the order they are added; int64 constants as initializers. */
function graphBuilder() {
  const nodes: NodeProto[] = [];
  const initializers: ReturnType<typeof int64Tensor>[] = [];
  let count = 0;
  const fresh = () => `v${count++}`;
  return {
    node(opType: string, input: string[], attribute: AttributeProto[] = []): string {
      const output = fresh();
      nodes.push({ name: output, opType, input, output: [output], attribute });
      return output;
    },
    int64s(values: number[]): string {
      const name = fresh();
      initializers.push(int64Tensor(name, values));
      return name;
    },
    graph(inputs: [string, number[]][], output: string, outShape: number[]): ConvGraph {
      const model: ModelProto = {
        irVersion: 8,
        opsetImport: [{ domain: "", version: 17 }],
        graph: {
          name: "conv",
          node: nodes,
          initializer: initializers,
          input: inputs.map(([name, dims]) => floatValueInfo(name, dims)),
          output: [floatValueInfo(output, outShape)],
        },
      };
      return { model, inputs: inputs.map(([name]) => name), output, outShape };
    },
  };
}

type GraphBuilder = ReturnType<typeof graphBuilder>;
