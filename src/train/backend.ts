/**
 * Picks the tfjs backend that trains fastest on this machine. Measured on the 2-core build
 * machines (forward 3×3 conv, 64 channels): the wasm backend (XNNPACK, SIMD, one thread: tfjs
 * turns WASM threads off under Node) runs ≈ 27–40 GFLOP/s, the pure-JS cpu backend ≈ 1 GFLOP/s.
 * tfjs-node ("tensorflow", native libtensorflow) is an optional dependency that is often not
 * installed, so it is tried first and skipped quietly when it does not load. "onnxruntime" is the
 * wasm backend with its convs (forward and gradients) run natively by the optional
 * onnxruntime-node (model/native): ~3× wasm's conv speed, so it comes before plain wasm.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../errors.js";
import { useNativeConvs } from "../model/native/convKernels.js";
import { nativeRuntime } from "../model/native/onnxruntime.js";
import { shareWasmIdentity } from "../model/wasmIdentity.js";

import { type BackendName, backendNames } from "./backendNames.js";

export { type BackendName, backendNames };

/** A name not spelled out literally, so TypeScript does not require the optional package. */
const tfjsNodePackage = "@tensorflow/tfjs-node";
const wasmPackage = "@tensorflow/tfjs-backend-wasm";
const wasmSimdFile = "tfjs-backend-wasm-simd.wasm";

/**
 * Makes `preferred` (or else the fastest available backend) the active one and returns its name.
 * An explicit preference that cannot be loaded is an InputError that lists what can.
 */
export async function selectBackend(preferred?: BackendName): Promise<string> {
  // tfjs prints a "install tfjs-node" banner the first time the cpu backend is used; prod mode
  // silences it (and tfjs's other debug-only warnings), so the library prints nothing.
  tf.enableProdMode();
  if (preferred !== undefined) {
    if ((backendNames as readonly string[]).includes(preferred) && (await activate(preferred))) {
      return preferred;
    }
    const available = await availableBackends();
    throw new InputError(
      `--backend: "${preferred}" is not available (available: ${available.join(", ")})`,
    );
  }
  for (const name of backendNames) {
    if (await activate(name)) return name;
  }
  throw new Error("no tfjs backend could be initialized (not even cpu)");
}

/** The backends that load here, fastest first. Leaves the active backend as it was. */
export async function availableBackends(): Promise<BackendName[]> {
  const active = tf.getBackend();
  const names: BackendName[] = [];
  for (const name of backendNames) {
    if (await register(name)) names.push(name);
  }
  if (active) await tf.setBackend(active);
  return names;
}

async function activate(name: BackendName): Promise<boolean> {
  if (!(await register(name))) return false;
  const tfjsName = tfjsBackendOf(name);
  try {
    if (!(await tf.setBackend(tfjsName))) return false;
    await tf.ready();
    if (tf.getBackend() !== tfjsName) return false;
    const native = name === "onnxruntime";
    return useNativeConvs(native) === native;
  } catch {
    return false;
  }
}

/** The tfjs backend under a uboost backend name. */
function tfjsBackendOf(name: BackendName): string {
  return name === "onnxruntime" ? "wasm" : name;
}

/**
 * Loads the package that registers `name` with *our* copy of tfjs-core. A package that brought
 * its own tfjs-core would register with that copy instead, and findBackendFactory would not see
 * it: that counts as unavailable rather than as a second, silently unused engine.
 */
async function register(name: BackendName): Promise<boolean> {
  if (name === "onnxruntime" && nativeRuntime() === undefined) return false;
  const tfjsName = tfjsBackendOf(name);
  if (tf.findBackendFactory(tfjsName) != null) return true;
  try {
    if (name === "tensorflow") await import(tfjsNodePackage);
    if (tfjsName === "wasm") await registerWasm();
  } catch {
    return false;
  }
  return tf.findBackendFactory(tfjsName) != null;
}

async function registerWasm(): Promise<void> {
  const wasm = await import(wasmPackage);
  // The Node build looks for its .wasm files beside its own script; point it there explicitly
  // (SIMD variant first) so a bundler or an odd working directory cannot break the lookup.
  const distDir = dirname(createRequire(import.meta.url).resolve(wasmPackage));
  if (existsSync(join(distDir, wasmSimdFile))) wasm.setWasmPaths(`${distDir}/`);
  shareWasmIdentity();
}
