/**
 * Shape inference through an ONNX graph: from static input dims, every value's dims, node by node
 * (ONNX stores nodes in topological order). Values computed only from initializers and constants
 * (weights preprocessing, Shape → Gather → Concat chains that build a Reshape target) are tracked
 * as constants, with their contents where a later shape needs them.
 */
import { InputError } from "../errors.js";
import {
  attribute,
  type GraphProto,
  int64,
  intAttribute,
  intsAttribute,
  type NodeProto,
  numericValues,
  stringAttribute,
  tensorDims,
  type ValueInfoProto,
} from "./proto.js";

export type Shape = number[];

export interface InferredGraph {
  shapes: Map<string, Shape>;
  /** values known without any input: initializers, Constant outputs and what derives from them */
  constants: Set<string>;
  /** the contents of small numeric constants (shape arithmetic, Resize scales) */
  values: Map<string, number[]>;
  /** node indices whose op has no shape rule here: their outputs took a guessed shape */
  unknownNodes: Set<number>;
}

export interface InputShapes {
  /** dims for the graph's one image input (--input-shape) */
  inputShape?: number[];
  /** overrides dim 0 of every graph input (--batch) */
  batch?: number;
}

type Rule = (node: NodeProto, inputs: Shape[], graph: InferredGraph) => Shape[];

const product = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
const axisOf = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);
const same: Rule = (_node, [x]) => [x];

/** NumPy broadcasting of any number of shapes. */
function broadcast(shapes: Shape[]): Shape {
  const rank = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) =>
    Math.max(...shapes.map((s) => s[s.length - rank + i] ?? 1)),
  );
}

/** Output size of a window op along one axis (ONNX Conv/Pool, auto_pad and ceil_mode included). */
function windowOut(
  node: NodeProto,
  size: number,
  k: number,
  axis: number,
  spatialRank: number,
): number {
  const stride = intsAttribute(node, "strides")?.[axis] ?? 1;
  const dilation = intsAttribute(node, "dilations")?.[axis] ?? 1;
  const span = dilation * (k - 1) + 1;
  const autoPad = stringAttribute(node, "auto_pad", "NOTSET");
  if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") return Math.ceil(size / stride);
  if (autoPad === "VALID") return Math.floor((size - span) / stride) + 1;
  const pads = intsAttribute(node, "pads") ?? [];
  const padded = size + (pads[axis] ?? 0) + (pads[axis + spatialRank] ?? 0) - span;
  const round = intAttribute(node, "ceil_mode", 0) === 1 ? Math.ceil : Math.floor;
  return round(padded / stride) + 1;
}

const conv: Rule = (node, [x, w]) => {
  const kernel = intsAttribute(node, "kernel_shape") ?? w.slice(2);
  const spatial = x.slice(2).map((size, i) => windowOut(node, size, kernel[i], i, kernel.length));
  return [[x[0], w[0], ...spatial]];
};

const pool: Rule = (node, [x]) => {
  const kernel = intsAttribute(node, "kernel_shape") ?? [];
  const spatial = x.slice(2).map((size, i) => windowOut(node, size, kernel[i], i, kernel.length));
  return [[x[0], x[1], ...spatial]];
};

const globalPool: Rule = (_node, [x]) => [[x[0], x[1], ...x.slice(2).map(() => 1)]];

const gemm: Rule = (node, [a, b]) => {
  const m = intAttribute(node, "transA", 0) ? a[1] : a[0];
  const n = intAttribute(node, "transB", 0) ? b[0] : b[1];
  return [[m, n]];
};

const matMul: Rule = (_node, [a, b]) => {
  const left = a.length === 1 ? [1, a[0]] : a;
  const right = b.length === 1 ? [b[0], 1] : b;
  const batch = broadcast([left.slice(0, -2), right.slice(0, -2)]);
  const out = [...batch, left[left.length - 2], right[right.length - 1]];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.splice(out.length - 1, 1);
  return [out];
};

const flatten: Rule = (node, [x]) => {
  const axis = axisOf(intAttribute(node, "axis", 1), x.length);
  return [[product(x.slice(0, axis)), product(x.slice(axis))]];
};

/** The contents of constant input `index`, or of the attribute of the same name (older opsets). */
function constantOf(node: NodeProto, graph: InferredGraph, index: number, attr: string) {
  const name = node.input?.[index];
  if (name) {
    const values = graph.values.get(name);
    if (values === undefined) {
      throw new InputError(
        `node ${nodeLabel(node)}: input ${index + 1} ("${name}") is not a constant this importer can evaluate`,
      );
    }
    return values;
  }
  const given = attribute(node, attr);
  if (!given) return undefined;
  return given.ints?.length ? given.ints.map(int64) : [...(given.floats ?? [])];
}

const reshape: Rule = (node, [x], graph) => {
  const target = constantOf(node, graph, 1, "shape") ?? [];
  const allowZero = intAttribute(node, "allowzero", 0) === 1;
  const dims = target.map((d, i) => (d === 0 && !allowZero ? x[i] : d));
  const known = product(dims.filter((d) => d !== -1));
  return [dims.map((d) => (d === -1 ? product(x) / known : d))];
};

const concat: Rule = (node, inputs) => {
  const axis = axisOf(intAttribute(node, "axis", 0), inputs[0].length);
  const out = [...inputs[0]];
  out[axis] = inputs.reduce((sum, s) => sum + s[axis], 0);
  return [out];
};

const transpose: Rule = (node, [x]) => {
  const perm = intsAttribute(node, "perm") ?? x.map((_, i) => x.length - 1 - i);
  return [perm.map((p) => x[p])];
};

const squeeze: Rule = (node, [x], graph) => {
  const axes = (
    constantOf(node, graph, 1, "axes") ?? x.flatMap((d, i) => (d === 1 ? [i] : []))
  ).map((a) => axisOf(a, x.length));
  return [x.filter((_, i) => !axes.includes(i))];
};

const unsqueeze: Rule = (node, [x], graph) => {
  const axes = constantOf(node, graph, 1, "axes") ?? [];
  const rank = x.length + axes.length;
  const inserted = new Set(axes.map((a) => axisOf(a, rank)));
  const rest = [...x];
  return [Array.from({ length: rank }, (_, i) => (inserted.has(i) ? 1 : (rest.shift() as number)))];
};

const reduce: Rule = (node, [x], graph) => {
  const given = node.input?.[1] ? constantOf(node, graph, 1, "axes") : intsAttribute(node, "axes");
  const axes = (given ?? x.map((_, i) => i)).map((a) => axisOf(a, x.length));
  const keep = intAttribute(node, "keepdims", 1) === 1;
  return [
    keep ? x.map((d, i) => (axes.includes(i) ? 1 : d)) : x.filter((_, i) => !axes.includes(i)),
  ];
};

const pad: Rule = (node, [x], graph) => {
  const pads = constantOf(node, graph, 1, "pads") ?? [];
  return [x.map((d, i) => d + (pads[i] ?? 0) + (pads[i + x.length] ?? 0))];
};

const shapeOf: Rule = (_node, [x]) => [[x.length]];

const gather: Rule = (node, [data, indices]) => {
  const axis = axisOf(intAttribute(node, "axis", 0), data.length);
  return [[...data.slice(0, axis), ...indices, ...data.slice(axis + 1)]];
};

const constant: Rule = (node) => {
  const tensor = attribute(node, "value")?.t;
  if (tensor) return [tensorDims(tensor)];
  const ints = intsAttribute(node, "value_ints");
  return [ints ? [ints.length] : []];
};

const constantOfShape: Rule = (node, _inputs, graph) => [constantOf(node, graph, 0, "") ?? []];

const elementwise: Rule = (_node, inputs) => [broadcast(inputs)];

/** Resize (opset 11+: X, roi, scales, sizes) and Upsample (X, scales): output dims from either. */
const resize: Rule = (node, [x], graph) => {
  const sizesInput = node.opType === "Resize" ? node.input?.[3] : undefined;
  if (sizesInput) return [constantOf(node, graph, 3, "") ?? x];
  const scales = constantOf(node, graph, node.opType === "Resize" ? 2 : 1, "scales") ?? [];
  return [x.map((d, i) => Math.floor(d * (scales[i] ?? 1)))];
};

/** Ops with a shape rule. Anything else is unknown: listed, costed as zero, shape guessed. */
export const shapeRules: Record<string, Rule> = {
  Conv: conv,
  MaxPool: pool,
  AveragePool: pool,
  LpPool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  Gemm: gemm,
  MatMul: matMul,
  Add: elementwise,
  Sum: elementwise,
  Sub: elementwise,
  Mul: elementwise,
  Div: elementwise,
  Pow: elementwise,
  Max: elementwise,
  Min: elementwise,
  Mean: elementwise,
  PRelu: elementwise,
  BatchNormalization: same,
  Relu: same,
  LeakyRelu: same,
  Clip: same,
  Sigmoid: same,
  HardSigmoid: same,
  HardSwish: same,
  Tanh: same,
  Elu: same,
  Selu: same,
  Softplus: same,
  Softmax: same,
  LogSoftmax: same,
  Erf: same,
  Sqrt: same,
  Exp: same,
  Neg: same,
  Cast: same,
  Dropout: same,
  Identity: same,
  Flatten: flatten,
  Reshape: reshape,
  Concat: concat,
  Transpose: transpose,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  ReduceMean: reduce,
  ReduceMax: reduce,
  ReduceSum: reduce,
  Pad: pad,
  Shape: shapeOf,
  Gather: gather,
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Resize: resize,
  Upsample: resize,
};

/** Integer contents of a constant output, for the ops shape arithmetic is built from. */
function constantOutput(
  node: NodeProto,
  inputs: Shape[],
  graph: InferredGraph,
): number[] | undefined {
  const values = (node.input ?? []).map((name) => graph.values.get(name));
  switch (node.opType) {
    case "Shape":
      return inputs[0];
    case "Constant": {
      const tensor = attribute(node, "value")?.t;
      return tensor ? numericValues(tensor) : intsAttribute(node, "value_ints");
    }
    case "Gather": {
      const [data, indices] = values;
      if (!data || !indices || inputs[0].length !== 1) return undefined;
      return indices.map((i) => data[i < 0 ? i + data.length : i]);
    }
    case "Unsqueeze":
    case "Squeeze":
    case "Identity":
    case "Cast":
    case "Reshape":
    case "Flatten":
      return values[0];
    case "Concat":
      return values.every((v) => v !== undefined) ? values.flat() : undefined;
    case "Mul":
    case "Add": {
      const [a, b] = values;
      if (!a || !b) return undefined;
      const out = broadcast([inputs[0], inputs[1]]);
      const at = (v: number[], i: number) => v[v.length === 1 ? 0 : i];
      return Array.from({ length: product(out) }, (_, i) =>
        node.opType === "Mul" ? at(a, i) * at(b, i) : at(a, i) + at(b, i),
      );
    }
    default:
      return undefined;
  }
}

export function nodeLabel(node: NodeProto): string {
  return `"${node.name || node.output?.[0] || "?"}" (${node.opType})`;
}

function declaredDims(info: ValueInfoProto): (number | string)[] | undefined {
  const dims = info.type?.tensorType?.shape?.dim;
  if (!dims) return undefined;
  return dims.map((dim) =>
    dim.dimParam ? dim.dimParam : int64(dim.dimValue) > 0 ? int64(dim.dimValue) : "?",
  );
}

/** The graph inputs that are fed at run time (older exporters also list initializers here). */
export function runtimeInputs(graph: GraphProto): ValueInfoProto[] {
  const initialized = new Set((graph.initializer ?? []).map((t) => t.name));
  return (graph.input ?? []).filter((info) => !initialized.has(info.name));
}

function inputShapes(graph: GraphProto, given: InputShapes, file: string): Map<string, Shape> {
  const inputs = runtimeInputs(graph);
  if (given.inputShape && inputs.length !== 1) {
    throw new InputError(
      `--input-shape: ${file} has ${inputs.length} inputs (${inputs.map((i) => i.name).join(", ")}); it sets the dims of a one-input graph`,
    );
  }
  const shapes = new Map<string, Shape>();
  for (const info of inputs) {
    const declared = declaredDims(info);
    const name = info.name ?? "";
    if (!declared)
      throw new InputError(`${file}: input "${name}" declares no tensor shape; give --input-shape`);
    if (given.inputShape && given.inputShape.length !== declared.length) {
      throw new InputError(
        `--input-shape: ${file} input "${name}" has ${declared.length} dims, --input-shape gives ${given.inputShape.length}`,
      );
    }
    const dims = given.inputShape ? [...given.inputShape] : [...declared];
    if (given.batch !== undefined && dims.length > 0) dims[0] = given.batch;
    const dynamic = dims.findIndex((d) => typeof d !== "number");
    if (dynamic >= 0) {
      throw new InputError(
        `${file}: input "${name}" has a dynamic dimension ${dynamic} ("${dims[dynamic]}"); give --input-shape, e.g. ${declared.map((d) => (typeof d === "number" ? d : 1)).join("x")}${dynamic === 0 ? " (or --batch)" : ""}`,
      );
    }
    shapes.set(name, dims as number[]);
  }
  return shapes;
}

/** Shapes of every value, for the given input dims. `file` names the model in errors. */
export function inferShapes(graph: GraphProto, given: InputShapes, file: string): InferredGraph {
  const inferred: InferredGraph = {
    shapes: inputShapes(graph, given, file),
    constants: new Set(),
    values: new Map(),
    unknownNodes: new Set(),
  };
  for (const tensor of graph.initializer ?? []) {
    const name = tensor.name ?? "";
    inferred.shapes.set(name, tensorDims(tensor));
    inferred.constants.add(name);
    const values = numericValues(tensor);
    if (values && values.length <= 64) inferred.values.set(name, values);
  }
  const declared = new Map(
    [...(graph.valueInfo ?? []), ...(graph.output ?? [])].map((info) => [info.name, info]),
  );
  (graph.node ?? []).forEach((node, index) => {
    // An omitted optional input is "": it keeps its position, with no shape.
    const names = (node.input ?? []).filter((name) => name !== "");
    const inputs = (node.input ?? []).map((name) => {
      if (name === "") return [];
      const shape = inferred.shapes.get(name);
      if (!shape) {
        throw new InputError(
          `${file}: node ${nodeLabel(node)} reads "${name}", which nothing before it produces`,
        );
      }
      return shape;
    });
    const rule = shapeRules[node.opType ?? ""];
    let outputs: Shape[];
    try {
      outputs = rule ? rule(node, inputs, inferred) : guessedShapes(node, inputs, declared);
    } catch (error) {
      if (error instanceof InputError) throw new InputError(`${file}: ${error.message}`);
      throw error;
    }
    if (!rule) inferred.unknownNodes.add(index);
    const outputShape = outputs[0];
    if (!outputShape || outputShape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      throw new InputError(
        `${file}: node ${nodeLabel(node)} gives an invalid shape [${outputShape?.join(", ")}] from inputs ${inputs.map((s) => `[${s.join(", ")}]`).join(", ")}`,
      );
    }
    const isConstant =
      names.every((name) => inferred.constants.has(name)) || node.opType === "Shape";
    const values = isConstant ? constantOutput(node, inputs, inferred) : undefined;
    (node.output ?? []).forEach((name, i) => {
      if (name === "") return;
      inferred.shapes.set(name, outputs[i] ?? outputShape);
      if (isConstant) inferred.constants.add(name);
    });
    if (values && node.output?.[0]) inferred.values.set(node.output[0], values);
  });
  return inferred;
}

/** An unknown op: the shape the file declares for its output, else its first input's. */
function guessedShapes(
  node: NodeProto,
  inputs: Shape[],
  declared: Map<string | null | undefined, ValueInfoProto>,
): Shape[] {
  return (node.output ?? []).map((name) => {
    const info = declared.get(name);
    const dims = info ? declaredDims(info) : undefined;
    if (dims?.every((d) => typeof d === "number")) return dims as number[];
    return inputs[0] ?? [];
  });
}
