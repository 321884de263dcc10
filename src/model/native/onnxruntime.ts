/**
 * onnxruntime-node's native session binding, loaded when the optional package is installed.
 * tfjs kernels and custom gradients are synchronous, and the package's InferenceSession.run is
 * only a Promise around the binding's synchronous run (scheduled with setImmediate), so the conv
 * kernels call the binding itself: a session built once per conv shape runs in place, reading its
 * inputs from and writing its output into memory the caller owns (the wasm heap, no copies).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { encodeModel, type ModelProto } from "../../onnx/proto.js";

/** A tensor as the binding takes and gives it: values in row-major order. */
export interface NativeTensor {
  type: "float32";
  dims: readonly number[];
  data: Float32Array;
  location: "cpu";
}

export interface NativeSession {
  /** Runs the graph on `feeds`, writing each output into the tensor given in `outputs`. */
  run(feeds: Record<string, NativeTensor>, outputs: Record<string, NativeTensor>): void;
}

interface BindingSession {
  loadModel(buffer: ArrayBufferLike, offset: number, length: number, options: object): void;
  run(feeds: object, fetches: object, options: object): unknown;
}

interface Binding {
  InferenceSession: new () => BindingSession;
  initOrtOnce(logLevel: number, tensor: unknown, isMainThread: boolean): void;
}

export interface NativeRuntime {
  version: string;
  session(model: ModelProto): NativeSession;
}

/** A name not spelled out literally, so TypeScript does not require the optional package. */
const runtimePackage = "onnxruntime-node";

/**
 * One thread per session, run in order: parallelism comes from the data-parallel workers, each
 * with its own sessions, and a one-thread MLAS kernel gives the same bytes on every run. No
 * arena: each session's arena keeps its peak (a transposed activation or two) for good, and a
 * network has a session per conv shape and kind (bench train's two networks: 1.55 GB peak RSS
 * with arenas, 0.99 GB without, 0.82 GB on plain wasm; no slower in alternated runs).
 */
const sessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: "sequential",
  graphOptimizationLevel: "all",
  enableCpuMemArena: false,
};

let loaded: NativeRuntime | null | undefined;

/** The runtime, or undefined where onnxruntime-node is not installed (or does not load here). */
export function nativeRuntime(): NativeRuntime | undefined {
  if (loaded === undefined) loaded = loadRuntime();
  return loaded ?? undefined;
}

function loadRuntime(): NativeRuntime | null {
  try {
    const require = createRequire(import.meta.url);
    // the package's entry is dist/index.js; its binding module sits beside it
    const distDir = dirname(require.resolve(runtimePackage));
    const { binding, initOrt } = require(join(distDir, "binding.js")) as {
      binding: Binding;
      initOrt: () => void;
    };
    initOrt();
    const { version } = JSON.parse(readFileSync(join(distDir, "..", "package.json"), "utf8"));
    return { version, session: (model) => loadSession(binding, model) };
  } catch {
    return null;
  }
}

function loadSession(binding: Binding, model: ModelProto): NativeSession {
  const bytes = encodeModel(model);
  const session = new binding.InferenceSession();
  session.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, sessionOptions);
  return { run: (feeds, outputs) => void session.run(feeds, outputs, {}) };
}
