/**
 * The ONNX protobuf, read and written with onnx-proto (protobufjs code generated from onnx.proto).
 * Everything here is plain protobuf plumbing: turning bytes into a ModelProto and back, 64-bit
 * integers into numbers, and attributes and constant tensors into the values the graph needs.
 */
import { createRequire } from "node:module";
import type onnxProto from "onnx-proto";
import { InputError } from "../errors.js";

let loaded: typeof onnxProto.onnx | undefined;

/**
 * The generated ONNX code, loaded on first use: protobufjs and it took ~50 ms of CPU in every
 * thread that imported this module, and a sweep's workers import it (through their networks)
 * to read a model once in a while, if ever.
 */
function onnx(): typeof onnxProto.onnx {
  loaded ??= (createRequire(import.meta.url)("onnx-proto") as typeof onnxProto).onnx;
  return loaded;
}

export type ModelProto = onnxProto.onnx.IModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

/** protobufjs hands int64 fields back as Long objects when the long package is installed. */
type Int64 = number | { toNumber(): number } | null | undefined;

export function int64(value: Int64): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : value.toNumber();
}

/**
 * Decodes a .onnx file. A file that is not a ModelProto (truncated, another format) either fails
 * to decode or decodes to a model without a graph; both are one InputError naming the file.
 */
export function decodeModel(bytes: Uint8Array, file: string): ModelProto {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx().ModelProto.decode(bytes);
  } catch (error) {
    throw new InputError(`${file}: not a readable ONNX model (${(error as Error).message})`);
  }
  const graph = model.graph;
  if (!graph || (graph.node ?? []).length === 0) {
    throw new InputError(`${file}: not an ONNX model (no graph with nodes)`);
  }
  return model;
}

export function encodeModel(model: ModelProto): Uint8Array {
  const { ModelProto } = onnx();
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`ONNX model does not match the schema: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

export function attribute(node: NodeProto, name: string): AttributeProto | undefined {
  return (node.attribute ?? []).find((attr) => attr.name === name);
}

export function intAttribute(node: NodeProto, name: string, fallback: number): number {
  const attr = attribute(node, name);
  return attr ? int64(attr.i) : fallback;
}

export function intsAttribute(node: NodeProto, name: string): number[] | undefined {
  const attr = attribute(node, name);
  return attr ? (attr.ints ?? []).map(int64) : undefined;
}

export function stringAttribute(node: NodeProto, name: string, fallback: string): string {
  const bytes = attribute(node, name)?.s;
  return bytes ? new TextDecoder().decode(bytes) : fallback;
}

export function tensorDims(tensor: TensorProto): number[] {
  return (tensor.dims ?? []).map(int64);
}

/**
 * The values of a small numeric constant (a Reshape's target shape, Gather's indices, Resize's
 * scales), or undefined for other element types. Exporters store them in the typed field or as
 * little-endian raw_data.
 */
export function numericValues(tensor: TensorProto): number[] | undefined {
  const { DataType } = onnx().TensorProto;
  const type = tensor.dataType;
  const width = { [DataType.INT64]: 8, [DataType.INT32]: 4, [DataType.FLOAT]: 4 }[type ?? 0];
  if (width === undefined) return undefined;
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Array.from({ length: raw.byteLength / width }, (_, i) =>
      type === DataType.INT64
        ? Number(view.getBigInt64(i * 8, true))
        : type === DataType.INT32
          ? view.getInt32(i * 4, true)
          : view.getFloat32(i * 4, true),
    );
  }
  if (type === DataType.INT64) return (tensor.int64Data ?? []).map(int64);
  return type === DataType.INT32 ? [...(tensor.int32Data ?? [])] : [...(tensor.floatData ?? [])];
}

/** A float32 tensor from NCHW-ordered values, stored as raw little-endian bytes. */
export function floatTensor(name: string, dims: number[], values: Float32Array): TensorProto {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return {
    name,
    dims,
    dataType: onnx().TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(bytes),
  };
}

/** Attributes to write, by type (AttributeProto.AttributeType: FLOAT 1, INT 2, INTS 7). */
export const onnxAttribute = {
  int: (name: string, i: number): AttributeProto => ({ name, type: 2, i }),
  ints: (name: string, ints: number[]): AttributeProto => ({ name, type: 7, ints }),
  float: (name: string, f: number): AttributeProto => ({ name, type: 1, f }),
};

/** A float32 value's info: fixed dimensions as numbers, symbolic ones by name. */
export function floatValueInfo(name: string, dims: (number | string)[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: 1,
        shape: {
          dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}

export function int64Tensor(name: string, values: number[]): TensorProto {
  const dataType = onnx().TensorProto.DataType.INT64;
  return { name, dims: [values.length], dataType, int64Data: values };
}
