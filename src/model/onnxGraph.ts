/**
 * A trained network (arch + weights) as an ONNX model: the blocks forward.ts runs, node for node,
 * in NCHW. The input is float32 RGB in [0, 1]; the training normalization ((x − mean) / std per
 * channel) is the graph's first two nodes, so a user feeds raw pixels. Batch norm stays a
 * BatchNormalization node with the running statistics (runtimes fold it into the conv).
 */
import * as tf from "@tensorflow/tfjs";
import type { ChannelStatistics } from "../data/imageSet.js";
import { InputError } from "../errors.js";
import {
  type AttributeProto,
  floatTensor,
  floatValueInfo,
  type ModelProto,
  type NodeProto,
  onnxAttribute,
  type TensorProto,
} from "../onnx/proto.js";
import { type ArchFile, archNetwork } from "./archFile.js";
import { batchNormEpsilon } from "./batchNorm.js";
import { type ConvInfo, convConfig, convInfo } from "./ops/convGeometry.js";
import {
  type CellPlan,
  equalizerSpecs,
  fixedWidths,
  type NetworkPlan,
  type PlannedConv,
  widthOf,
} from "./plan.js";
import { cellOutput, type SearchSpace } from "./space.js";

export const onnxOpset = 13;

export const onnxInputName = "image";
export const onnxOutputName = "logits";

/** Node and initializer lists, each value named after the node that makes it. */
function graphBuilder(weights: tf.NamedTensorMap) {
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const node = (
    opType: string,
    name: string,
    inputs: string[],
    attributes: AttributeProto[] = [],
    output = name,
  ) => {
    nodes.push({ name, opType, input: inputs, output: [output], attribute: attributes });
    return output;
  };
  /** A weight, its axes permuted from tfjs's layout to ONNX's. */
  const weight = (key: string, reorder?: (t: tf.Tensor) => tf.Tensor) => {
    const tensor = weights[key];
    if (!tensor) throw new InputError(`model.json: no weight "${key}" for this architecture`);
    const ordered = reorder ? tf.tidy(() => reorder(tensor)) : tensor;
    initializers.push(floatTensor(key, ordered.shape, ordered.dataSync() as Float32Array));
    if (ordered !== tensor) ordered.dispose();
    return key;
  };
  const constant = (key: string, dims: number[], values: number[]) => {
    initializers.push(floatTensor(key, dims, Float32Array.from(values)));
    return key;
  };
  return { nodes, initializers, node, weight, constant };
}

type Builder = ReturnType<typeof graphBuilder>;

/** [k, k, in, out] → [out, in, k, k]; a depthwise [k, k, c, 1] → [c, 1, k, k]. */
const convWeight = (t: tf.Tensor) => tf.transpose(t, [3, 2, 0, 1]);
const depthwiseWeight = (t: tf.Tensor) => tf.transpose(t, [2, 3, 0, 1]);

/** tfjs "same" padding (computed by tfjs itself) as ONNX pads [top, left, bottom, right]. */
function convAttributes(k: number, inSize: number, stride: number, dilation: number, groups = 1) {
  const config = convConfig({ strides: stride, dilation });
  return convNodeAttributes(convInfo([1, inSize, inSize, 1], [k, k, 1, 1], config, false), groups);
}

/** A Conv or ConvTranspose node's attributes for the tfjs conv of geometry `info`. */
export function convNodeAttributes(info: ConvInfo, groups = 1): AttributeProto[] {
  const { top, left, bottom, right } = info.padInfo;
  return [
    onnxAttribute.ints("kernel_shape", [info.filterHeight, info.filterWidth]),
    onnxAttribute.ints("strides", [info.strideHeight, info.strideWidth]),
    onnxAttribute.ints("dilations", [info.dilationHeight, info.dilationWidth]),
    onnxAttribute.ints("pads", [top, left, bottom, right]),
    onnxAttribute.int("group", groups),
  ];
}

function batchNormRelu(b: Builder, name: string, x: string, weights: string): string {
  const keys = ["gamma", "beta", "running_mean", "running_var"].map((k) =>
    b.weight(`${weights}.${k}`),
  );
  const normalized = b.node(
    "BatchNormalization",
    `${name}.bn`,
    [x, ...keys],
    [onnxAttribute.float("epsilon", batchNormEpsilon)],
  );
  return b.node("Relu", `${name}.relu`, [normalized]);
}

/** conv → BN → ReLU, or (dws) depthwise → BN → ReLU → 1×1 → BN → ReLU (forward.ts's convForward). */
function convBlock(b: Builder, planned: PlannedConv, x: string, channels: number): string {
  const { name, k, stride, dilation, size } = planned;
  const inSize = size * stride;
  if (planned.type === "dws") {
    const dw = b.node(
      "Conv",
      `${name}.dw`,
      [x, b.weight(`${name}.depthwise`, depthwiseWeight)],
      convAttributes(k, inSize, stride, dilation, channels),
    );
    const dwOut = batchNormRelu(b, `${name}.dw`, dw, `${name}.depthwise_bn`);
    const pw = b.node(
      "Conv",
      `${name}.pw`,
      [dwOut, b.weight(`${name}.pointwise`, convWeight)],
      convAttributes(1, size, 1, 1),
    );
    return batchNormRelu(b, name, pw, name);
  }
  const conv = b.node(
    "Conv",
    name,
    [x, b.weight(`${name}.filter`, convWeight)],
    convAttributes(k, inSize, stride, dilation),
  );
  return batchNormRelu(b, name, conv, name);
}

function maxPool(b: Builder, name: string, x: string): string {
  return b.node(
    "MaxPool",
    name,
    [x],
    [onnxAttribute.ints("kernel_shape", [2, 2]), onnxAttribute.ints("strides", [2, 2])],
  );
}

/** One cell (forward.ts's cellForward with chosen edges): pre layers, edges, node sums. */
function cellGraph(
  b: Builder,
  space: SearchSpace,
  cell: CellPlan,
  widths: Record<string, number>,
  previous: string,
  beforePrevious: string,
): string {
  const prefix = `cell${cell.index}`;
  const states = new Map<string, string>();
  const layer = (name: string) => cell.layers.find((planned) => planned.name === name);
  const preLayers: [string, PlannedConv | undefined, string][] = [
    [space.inputs[0], layer(`${prefix}.pre_p`), previous],
    [space.inputs[1], layer(`${prefix}.pre_pp`), beforePrevious],
  ];
  for (const [input, planned, source] of preLayers) {
    if (planned) states.set(input, convBlock(b, planned, source, widthOf(planned.input, widths)));
  }
  const equalizers = new Set(equalizerSpecs(cell, widths).map((spec) => spec.name));
  for (const node of space.nodes) {
    const terms = cell.nodeInputs[node].map(({ edge }) => {
      const from = space.edges[edge][0];
      const source = states.get(from) as string;
      const planned = cell.layers.find((l) => l.edge === edge);
      const value = planned
        ? convBlock(b, planned, source, widthOf(planned.input, widths))
        : source;
      const equalizer = `${prefix}.${node}.eq_edge${edge}`;
      if (!equalizers.has(equalizer)) return value;
      const conv = b.node(
        "Conv",
        equalizer,
        [value, b.weight(`${equalizer}.filter`, convWeight)],
        convAttributes(1, cell.size, 1, 1),
      );
      return batchNormRelu(b, equalizer, conv, equalizer);
    });
    if (terms.length === 1) states.set(node, terms[0]);
    if (terms.length > 1) states.set(node, b.node("Sum", `${prefix}.${node}`, terms));
  }
  return states.get(cellOutput(space)) as string;
}

/**
 * The ONNX model of a trained network: `weights` as the run's model.json holds them (tfjs layout,
 * named as params.ts names them), `statistics` the training normalization.
 */
export function onnxModel(
  arch: ArchFile,
  weights: tf.NamedTensorMap,
  statistics: ChannelStatistics,
  producerVersion: string,
): ModelProto {
  const { plan, channels } = archNetwork(arch);
  const widths = { ...channels, ...fixedWidths(plan) };
  const b = graphBuilder(weights);
  const stats = [1, plan.inChannels, 1, 1];
  const centred = b.node("Sub", "normalize.sub", [
    onnxInputName,
    b.constant("normalize.mean", stats, statistics.mean),
  ]);
  const normalized = b.node("Div", "normalize", [
    centred,
    b.constant("normalize.std", stats, statistics.std),
  ]);
  const stem = maxPool(b, "stem.pool", convBlock(b, plan.stem, normalized, plan.inChannels));
  let previous = stem;
  let beforePrevious = stem;
  for (const cell of plan.cells) {
    let output = cellGraph(b, arch.space, cell, widths, previous, beforePrevious);
    beforePrevious = previous;
    if (cell.poolAfter) output = maxPool(b, `cell${cell.index}.pool`, output);
    previous = output;
  }
  const flat = b.node("Flatten", "flatten", [previous], [onnxAttribute.int("axis", 1)]);
  const features = classifierWeight(plan, widthOf(plan.headInput, widths));
  b.node(
    "Gemm",
    "classifier",
    [flat, b.weight("classifier.weights", features), b.weight("classifier.bias")],
    [],
    onnxOutputName,
  );
  return {
    irVersion: 7,
    opsetImport: [{ domain: "", version: onnxOpset }],
    producerName: "uboost",
    producerVersion,
    graph: {
      name: "uboost",
      node: b.nodes,
      initializer: b.initializers,
      input: [
        floatValueInfo(onnxInputName, [
          "batch",
          plan.inChannels,
          arch.shape.resolution,
          arch.shape.resolution,
        ]),
      ],
      output: [floatValueInfo(onnxOutputName, ["batch", plan.classes])],
      docString:
        "uboost network: float32 NCHW RGB in [0, 1] at the training resolution; logits out",
    },
  };
}

/**
 * tfjs flattens NHWC (features in h, w, c order), ONNX's Flatten NCHW (c, h, w): the classifier's
 * rows are reordered so the same logits come out.
 */
function classifierWeight(plan: NetworkPlan, width: number) {
  const size = plan.headSize;
  return (t: tf.Tensor) =>
    tf.reshape(tf.transpose(tf.reshape(t, [size, size, width, plan.classes]), [2, 0, 1, 3]), [
      width * size * size,
      plan.classes,
    ]);
}
