/**
 * An ONNX model as layer records: every node that runs at inference time becomes one record (a
 * grouped conv one per group), with its output size from shape inference. Conv, Gemm and MatMul
 * with a constant weight are what the array runs; pools, adds, batch norms, activations and data
 * movement (Flatten, Reshape, Concat, …) are free records, as in the zoo networks. Nodes computed
 * from constants alone (weight preprocessing, shape arithmetic) are folded away, as a runtime would.
 */
import { basename } from "node:path";
import { InputError } from "../errors.js";
import { readBytes } from "../files/readFile.js";
import {
  decodeModel,
  type GraphProto,
  intAttribute,
  intsAttribute,
  type NodeProto,
} from "../onnx/proto.js";
import { type InferredGraph, type InputShapes, inferShapes, type Shape } from "../onnx/shapes.js";
import type { Layer, LayerTypeName } from "./layer.js";

export interface ImportedNetwork {
  layers: Layer[];
  /**
   * ONNX models only: op type → how many of its nodes the cost models cannot represent (costed
   * as zero)
   */
  unsupported?: Record<string, number>;
}

const freeTypes: Record<string, LayerTypeName> = {
  MaxPool: "pool",
  AveragePool: "pool",
  LpPool: "pool",
  GlobalAveragePool: "pool",
  GlobalMaxPool: "pool",
  Add: "add",
  Sum: "add",
  BatchNormalization: "bn",
  Relu: "relu",
  LeakyRelu: "relu",
  PRelu: "relu",
  Clip: "relu",
  Sigmoid: "relu",
  HardSigmoid: "relu",
  HardSwish: "relu",
  Tanh: "relu",
  Elu: "relu",
  Selu: "relu",
  Softplus: "relu",
  Softmax: "relu",
  LogSoftmax: "relu",
  Mul: "relu",
  Div: "relu",
  Sub: "relu",
  Flatten: "identity",
  Reshape: "identity",
  Concat: "identity",
  Transpose: "identity",
  Squeeze: "identity",
  Unsqueeze: "identity",
  Identity: "identity",
  Dropout: "identity",
};

/** Reads a .onnx file into layer records; `shapes` sets dynamic input dims and the batch. */
export function readOnnxNetwork(path: string, shapes: InputShapes): ImportedNetwork {
  const file = basename(path);
  const model = decodeModel(readBytes(path), file);
  return onnxLayers(model.graph ?? {}, shapes, file);
}

export function onnxLayers(graph: GraphProto, shapes: InputShapes, file: string): ImportedNetwork {
  const inferred = inferShapes(graph, shapes, file);
  const layers: Layer[] = [];
  const unsupported: Record<string, number> = {};
  (graph.node ?? []).forEach((node, index) => {
    const inputs = (node.input ?? []).filter((name) => name !== "");
    if (inputs.every((name) => inferred.constants.has(name)) || node.opType === "Shape") return;
    const records = nodeLayers(node, inferred);
    if (records === undefined || inferred.unknownNodes.has(index)) {
      const op = node.opType ?? "?";
      unsupported[op] = (unsupported[op] ?? 0) + 1;
      return;
    }
    layers.push(...records);
  });
  if (!layers.some((layer) => ["conv", "dilconv", "dwconv", "fc"].includes(layer.type))) {
    throw new InputError(
      `${file}: no Conv, Gemm or MatMul with a constant weight, so nothing runs on the array`,
    );
  }
  return { layers, unsupported };
}

/** A node's records, or undefined for a node the cost models cannot represent. */
function nodeLayers(node: NodeProto, graph: InferredGraph): Layer[] | undefined {
  const name = node.name || node.output?.[0] || (node.opType ?? "");
  const shapeOf = (value: string | undefined) => graph.shapes.get(value ?? "") as Shape;
  const out = shapeOf(node.output?.[0]);
  const input = shapeOf(node.input?.[0]);
  switch (node.opType) {
    case "Conv":
      return convLayers(node, name, input, shapeOf(node.input?.[1]), out);
    case "Gemm":
    case "MatMul":
      return graph.constants.has(node.input?.[1] ?? "")
        ? [fcLayer(node, name, input, out)]
        : undefined;
    case "MaxPool":
    case "AveragePool":
    case "LpPool":
      return [freeLayer(name, "pool", out, intsAttribute(node, "kernel_shape") ?? [1, 1], node)];
    case "GlobalAveragePool":
    case "GlobalMaxPool":
      return [freeLayer(name, "pool", out, input.slice(2), node)];
    default: {
      const type = freeTypes[node.opType ?? ""];
      return type ? [freeLayer(name, type, out, [1, 1], node)] : undefined;
    }
  }
}

/**
 * groups = 1: a conv (dilconv when dilated); groups = in = out channels: a depthwise conv; other
 * groups: one conv per group, since a weight-stationary array runs each group's GEMM separately.
 */
function convLayers(
  node: NodeProto,
  name: string,
  x: Shape,
  weight: Shape,
  out: Shape,
): Layer[] | undefined {
  if (x.length !== 4) return undefined;
  const groups = intAttribute(node, "group", 1);
  const [f, cPerGroup, k1, k2] = weight;
  const c = cPerGroup * groups;
  const dilation = intsAttribute(node, "dilations")?.[0] ?? 1;
  const base = {
    k1,
    k2,
    h: out[2],
    w: out[3],
    stride: intsAttribute(node, "strides")?.[0] ?? 1,
    dilation,
    batch: out[0],
  };
  if (groups === 1) {
    return [{ ...base, name, type: dilation > 1 ? "dilconv" : "conv", c, f }];
  }
  if (groups === c && f === c) return [{ ...base, name, type: "dwconv", c, f }];
  return Array.from({ length: groups }, (_, g) => ({
    ...base,
    name: `${name}.group${g}`,
    type: dilation > 1 ? "dilconv" : "conv",
    c: cPerGroup,
    f: f / groups,
  }));
}

/** y = x·W: c input features, f outputs, every leading row of x one batch row. */
function fcLayer(node: NodeProto, name: string, x: Shape, out: Shape): Layer {
  const transA = node.opType === "Gemm" && intAttribute(node, "transA", 0) === 1;
  const c = transA ? x[0] : x[x.length - 1];
  const f = out[out.length - 1];
  const rows = out.length === 1 ? 1 : out.slice(0, -1).reduce((a, b) => a * b, 1);
  return { name, type: "fc", k1: 1, k2: 1, c, f, h: 1, w: 1, stride: 1, dilation: 1, batch: rows };
}

/** A record for a node that moves no weights: its output's channels and spatial size. */
function freeLayer(
  name: string,
  type: LayerTypeName,
  out: Shape,
  kernel: number[],
  node: NodeProto,
): Layer {
  const atLeastOne = (d: number | undefined) => Math.max(1, d ?? 1);
  return {
    name,
    type,
    k1: atLeastOne(kernel[0]),
    k2: atLeastOne(kernel[1]),
    c: atLeastOne(out[1]),
    f: atLeastOne(out[1]),
    h: atLeastOne(out[2]),
    w: atLeastOne(out.slice(3).reduce((a, b) => a * b, 1)),
    stride: atLeastOne(intsAttribute(node, "strides")?.[0]),
    dilation: 1,
    batch: atLeastOne(out[0]),
  };
}
