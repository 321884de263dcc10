/**
 * Conv kernels (forward and both gradients, and a depthwise conv's filter gradient: the kinds in
 * convGraphs.ts) run by onnxruntime-node's native MLAS code, for the "onnxruntime" backend: tfjs
 * on wasm for everything else. Measured on the 2-core dev machine, 3×3, 64 → 64 channels,
 * 32×32, batch 64, one thread: forward 111 GFLOP/s against wasm XNNPACK's 36–41, transposes in
 * and out included; convs are ~70% of a training step on wasm. The tensors stay where tfjs keeps
 * them: a session reads its inputs from the wasm heap and writes its output into a tensor
 * allocated there for it.
 */
import * as tf from "@tensorflow/tfjs";
import { heapValues, tensorWrittenInPlace } from "../heapValues.js";
import type { ConvInfo } from "../ops/convGeometry.js";
import { type ConvGraph, type ConvGraphKind, convGraph, convGraphKey } from "./convGraphs.js";
import { type NativeSession, type NativeTensor, nativeRuntime } from "./onnxruntime.js";

let active = false;

/**
 * Turns the native conv kernels on or off for this thread (the backend selection does it);
 * returns whether they are on, which they cannot be without onnxruntime-node.
 */
export function useNativeConvs(on: boolean): boolean {
  active = on && nativeRuntime() !== undefined;
  return active;
}

export function nativeConvsActive(): boolean {
  return active;
}

interface Kernel {
  session: NativeSession;
  graph: ConvGraph;
}

/** Built on first use of each (kind, shape); undefined where ONNX cannot express it. */
const kernels = new Map<string, Kernel | undefined>();

/**
 * `kind` of the conv `info` on `inputs` (in the graph's input order), or undefined when the native
 * kernels are off or cannot run this geometry: the caller then uses tfjs's.
 */
export function runNativeConv(
  kind: ConvGraphKind,
  info: ConvInfo,
  inputs: tf.Tensor[],
): tf.Tensor4D | undefined {
  // the kernels read and write the wasm heap; on another backend (a test that switched) tfjs's run
  if (!active || tf.getBackend() !== "wasm") return undefined;
  const kernel = kernelFor(kind, info);
  if (kernel === undefined) return undefined;
  const { graph, session } = kernel;
  // the kernel writes every value; the input views are taken after the output's allocation
  const write = (output: Float32Array) => {
    const feeds: Record<string, NativeTensor> = {};
    inputs.forEach((input, i) => {
      feeds[graph.inputs[i]] = nativeTensor(heapValues(input), input.shape);
    });
    session.run(feeds, { [graph.output]: nativeTensor(output, graph.outShape) });
  };
  return tensorWrittenInPlace(graph.outShape, write) as tf.Tensor4D;
}

function kernelFor(kind: ConvGraphKind, info: ConvInfo): Kernel | undefined {
  const key = convGraphKey(kind, info);
  if (!kernels.has(key)) {
    const graph = convGraph(kind, info);
    const runtime = nativeRuntime();
    kernels.set(
      key,
      graph && runtime ? { graph, session: runtime.session(graph.model) } : undefined,
    );
  }
  return kernels.get(key);
}

function nativeTensor(data: Float32Array, dims: readonly number[]): NativeTensor {
  return { type: "float32", dims, data, location: "cpu" };
}
