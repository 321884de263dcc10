import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { nativeConvsActive } from "../../src/model/native/convKernels.js";
import { availableBackends, type BackendName, selectBackend } from "../../src/train/backend.js";

describe("selectBackend", () => {
  it("picks the fastest backend that loads, wasm or better here", async () => {
    const available = await availableBackends();
    expect(available).toContain("wasm");
    expect(available).toContain("cpu");
    const chosen = await selectBackend();
    expect(chosen).toBe(available[0]);
    // onnxruntime is tfjs's wasm backend with native conv kernels
    expect(tf.getBackend()).toBe(chosen === "onnxruntime" ? "wasm" : chosen);
    if (chosen === "wasm" || chosen === "onnxruntime")
      expect(tf.env().getBool("WASM_HAS_SIMD_SUPPORT")).toBe(true);
  });

  it("honours an explicit preference", async () => {
    expect(await selectBackend("cpu")).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    expect(await selectBackend("wasm")).toBe("wasm");
    expect(nativeConvsActive()).toBe(false);
  });

  it("runs convs natively on onnxruntime only, and not after switching away from it", async () => {
    if (!(await availableBackends()).includes("onnxruntime")) return;
    expect(await selectBackend("onnxruntime")).toBe("onnxruntime");
    expect(nativeConvsActive()).toBe(true);
    expect(await selectBackend("wasm")).toBe("wasm");
    expect(nativeConvsActive()).toBe(false);
  });

  it("names the available backends when the preferred one is missing", async () => {
    const available = await availableBackends();
    const missing = (["tensorflow", "webgpu"] as BackendName[]).find((b) => !available.includes(b));
    const attempt = selectBackend(missing);
    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toThrow(
      `--backend: "${missing}" is not available (available: ${available.join(", ")})`,
    );
  });
});
