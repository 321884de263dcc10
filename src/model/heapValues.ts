/**
 * A float32 tensor's values without a copy where the backend keeps them in the wasm heap: the
 * data-parallel all-reduce and the SGD update read every weight, velocity and gradient each step,
 * and dataSync's copies (a new array each, ~1 M values a step in the demo search) were a tenth
 * of a worker's time with the garbage they left. The view is valid until the next tensor is
 * allocated (the heap may grow and move), so read it at once.
 */
import * as tf from "@tensorflow/tfjs";

interface HeapBackend {
  typedArrayFromHeap(tensor: tf.Tensor): Float32Array;
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
}

/**
 * A float32 tensor of `values`, which the caller may overwrite at once (scratch): the wasm
 * backend copies them into its heap; cpu and tfjs-node keep the array itself as the tensor's
 * values, so they get a copy.
 */
export function tensorOfScratch(values: Float32Array, shape: number[]): tf.Tensor {
  return tf.tensor(tf.getBackend() === "wasm" ? values : values.slice(), shape, "float32");
}

export function heapValues(tensor: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as Partial<HeapBackend>;
  if (tensor.dtype === "float32" && tf.getBackend() === "wasm" && backend.typedArrayFromHeap) {
    return backend.typedArrayFromHeap(tensor);
  }
  return tensor.dataSync<"float32">();
}

/**
 * A float32 tensor of `shape` whose values `write` sets in place: on wasm straight into the heap
 * (no copy, and no fresh pages to fault in: a 64×32×32×64 gradient's were a third of its
 * kernel's time), elsewhere into an array that becomes the tensor. `write` must set every value
 * (on wasm they start as the heap had them) and take its views of other tensors inside, after
 * the allocation.
 */
export function tensorWrittenInPlace(
  shape: number[],
  write: (values: Float32Array) => void,
): tf.Tensor {
  if (tf.getBackend() === "wasm") {
    // left as the heap had them: `write` sets every value
    const backend = tf.backend() as unknown as HeapBackend;
    const tensor = tf.engine().makeTensorFromTensorInfo(backend.makeOutput(shape, "float32"));
    write(heapValues(tensor));
    return tensor;
  }
  const values = new Float32Array(shape.reduce((size, extent) => size * extent, 1));
  write(values);
  return tf.tensor(values, shape, "float32");
}
