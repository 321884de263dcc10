/**
 * The wasm backend's Identity kernel, sharing its input's memory instead of copying it. tfjs runs
 * Identity for every tensor a gradient saves for the backward pass (customGrad's `save`, and each
 * built-in kernel's saved inputs), so on wasm each conv, batch norm and pool copied its
 * activations once per training step: 3.5% of a plain-network step in copies alone. The other
 * backends share a clone's data already, and wasm's own Reshape shares it the same way (a
 * reference count per buffer); tensors are immutable, so nothing can tell the difference but the
 * memory.
 */
import * as tf from "@tensorflow/tfjs";

interface ReferenceCountingBackend {
  incRef(dataId: tf.DataId): void;
}

const sharingIdentity: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend }) => {
    const x = inputs.x as tf.TensorInfo;
    (backend as unknown as ReferenceCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
};

/** Replaces the wasm backend's copying Identity (registered when its package loads). */
export function shareWasmIdentity(): void {
  if (tf.getKernel(tf.Identity, "wasm")?.kernelFunc === sharingIdentity.kernelFunc) return;
  tf.unregisterKernel(tf.Identity, "wasm");
  tf.registerKernel(sharingIdentity);
}
