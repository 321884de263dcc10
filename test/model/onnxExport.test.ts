import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as ort from "onnxruntime-web";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTrainingData } from "../../src/data/trainingData.js";
import type { Layer } from "../../src/layers/layer.js";
import { readOnnxNetwork } from "../../src/layers/onnxLayers.js";
import { archLayers, archNetwork } from "../../src/model/archFile.js";
import { forward } from "../../src/model/forward.js";
import { createParams, disposeParams } from "../../src/model/params.js";
import { projectRoot } from "../../src/projectRoot.js";
import { type SearchSettings, trainingDataOptions } from "../../src/search/settings.js";
import { readSavedModel } from "../../src/train/savedModel.js";
import { runCli } from "../cli/runCli.js";

// A smoke search (every op kind of the space can appear; this seed's cells have identity, zero,
// a dilated conv, separable convs and the 1×1 equalizers) and its network exported to ONNX, run
// by onnxruntime (its WebAssembly build, onnxruntime-web: no native install) against tfjs.
const data = join(projectRoot(), "data", "cifar10-mini");
const dir = mkdtempSync(join(tmpdir(), "uboost-export-"));
const run = join(dir, "run");
const onnxFile = join(dir, "net.onnx");

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend("cpu");
  ort.env.wasm.numThreads = 1;
  const searched = runCli([
    "search",
    "--data",
    data,
    "--preset",
    "smoke",
    "--seed",
    "1",
    "--out",
    run,
  ]);
  expect(searched.status, searched.stderr).toBe(0);
  const exported = runCli(["export", "--run", run, "--out", onnxFile, "--json"]);
  expect(exported.status, exported.stderr).toBe(0);
}, 300_000);

/** NHWC normalized images back to the raw NCHW pixels in [0, 1] the ONNX model takes. */
function rawPixels(x: tf.Tensor4D, mean: number[], std: number[]): ort.Tensor {
  const [n, h, w, c] = x.shape;
  const nchw = tf.tidy(() => tf.transpose(tf.add(tf.mul(x, std), mean), [0, 3, 1, 2]));
  const tensor = new ort.Tensor("float32", nchw.dataSync() as Float32Array, [n, c, h, w]);
  nchw.dispose();
  return tensor;
}

describe("uboost export: a trained network as ONNX", () => {
  it("onnxruntime gives tfjs's logits (within 1e-4) and the run's test top-1", async () => {
    const saved = readSavedModel(run);
    const final = JSON.parse(readFileSync(join(run, "final.json"), "utf8"));
    const settings = saved.arch.settings as unknown as SearchSettings;
    const splits = await loadTrainingData(data, trainingDataOptions(settings));
    const { plan, channels } = archNetwork(saved.arch);
    const params = createParams(plan, channels, 1);
    for (const [key, variable] of params.named) variable.assign(saved.weights[key]);
    const session = await ort.InferenceSession.create(readFileSync(onnxFile));
    expect(session.inputNames).toEqual(["image"]);
    let correct = 0;
    let agree = 0;
    let seen = 0;
    let maxDiff = 0;
    try {
      for (const { x, y } of splits.test.batches(20, { seed: 0, augment: false })) {
        const expected = tf.tidy(() => forward(saved.arch.space, plan, params, x, {}).arraySync());
        const { mean, std } = saved.normalization;
        const out = await session.run({ image: rawPixels(x, mean, std) });
        const logits = out.logits.data as Float32Array;
        const labels = y.arraySync();
        expected.forEach((row, i) => {
          const got = Array.from(logits.subarray(i * row.length, (i + 1) * row.length));
          got.forEach((value, j) => {
            maxDiff = Math.max(maxDiff, Math.abs(value - row[j]));
          });
          const predicted = got.indexOf(Math.max(...got));
          if (predicted === labels[i]) correct++;
          if (predicted === row.indexOf(Math.max(...row))) agree++;
        });
        seen += labels.length;
        tf.dispose([x, y]);
      }
    } finally {
      disposeParams(params);
      await session.release();
    }
    expect(seen).toBe(50);
    expect(maxDiff).toBeLessThan(1e-4);
    expect(agree).toBe(seen);
    expect(correct / seen).toBe(final.testTop1);
  });

  it("imported back, the ONNX file has the run's layers, MACs and cycles", () => {
    const saved = readSavedModel(run);
    const imported = readOnnxNetwork(onnxFile, { batch: 64 });
    expect(imported.unsupported).toEqual({});
    // ONNX has no separable conv: a "dws" record is its depthwise and its 1×1 conv.
    const split = (l: Layer): Layer[] =>
      l.type === "dws"
        ? [
            { ...l, name: `${l.name}.dw`, type: "dwconv", f: l.c },
            { ...l, name: `${l.name}.pw`, type: "conv", k1: 1, k2: 1, stride: 1, dilation: 1 },
          ]
        : [l];
    const onArray = (l: Layer) => ["conv", "dilconv", "dwconv", "fc", "pool"].includes(l.type);
    const byName = (a: Layer, b: Layer) => a.name.localeCompare(b.name);
    const expected = archLayers(saved.arch, 64).flatMap(split).sort(byName);
    expect(imported.layers.filter(onArray).sort(byName)).toEqual(expected);
    const total = (command: string, args: string[]) => {
      const result = runCli([command, ...args, "--batch", "64", "--json"]);
      expect(result.status, result.stderr).toBe(0);
      return JSON.parse(result.stdout).total;
    };
    const arch = ["--arch", join(run, "arch.json")];
    expect(total("cost", ["--net", onnxFile])).toEqual(total("cost", arch));
    // The cycle-level simulator starts a separable conv's 1×1 GEMM as its depthwise one drains;
    // as two layers (all ONNX can say) each pair takes 1–3 cycles more.
    const simulated = total("simulate", ["--net", onnxFile]);
    const reference = total("simulate", arch);
    expect(simulated.macs).toBe(reference.macs);
    expect(Math.abs(simulated.cycles / reference.cycles - 1)).toBeLessThan(1e-3);
  });

  it("refuses a run without a trained model, and a missing run, in one line", () => {
    const empty = mkdtempSync(join(tmpdir(), "uboost-export-"));
    writeFileSync(join(empty, "arch.json"), readFileSync(join(run, "arch.json")));
    for (const args of [
      ["export", "--run", empty, "--out", join(empty, "x.onnx")],
      ["export", "--run", join(empty, "nope"), "--out", join(empty, "x.onnx")],
      ["export", "--run", run, "--out", join(empty, "no", "x.onnx")],
    ]) {
      const { status, stderr } = runCli(args);
      expect(status).toBe(2);
      expect(stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
