import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { costModelByName, modelContext } from "../../src/hw/models/index.js";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import type { Layer } from "../../src/layers/layer.js";
import { costBridge } from "../../src/search/costBridge.js";
import { costSurface } from "../../src/search/costSurface.js";

const hardware = { ...defaultSimConfig, arrayRows: 16, arrayCols: 16 };
const base = { k1: 3, k2: 3, h: 8, w: 8, stride: 1, dilation: 1, batch: 64 };
const layers: Layer[] = [
  { name: "a", type: "conv", c: 3, f: 20, ...base },
  { name: "b", type: "dws", c: 20, f: 28, ...base },
  { name: "c", type: "dilconv", c: 28, f: 13, ...base, dilation: 2 },
  { name: "d", type: "fc", c: 13, f: 10, ...base, k1: 1, k2: 1, h: 1, w: 1 },
];
const inChannels = [3, 20.4, 27.6, 13.2];
const outChannels = [20.4, 27.6, 13.2, 10];
// A scalar that reads every output: Σ a_l·runtime_l + b_l·ideal_l.
const a = [0.7, -1.3, 2.1, 0.4];
const b = [-0.5, 1.1, 0.9, -2.2];

for (const model of ["systolic", "pipelined", "csim", "flops", "roofline"]) {
  describe(`cost bridge (${model})`, () => {
    const bridge = costBridge(costSurface(model, hardware, modelContext()), layers, hardware);
    const scalar = (c: tf.Tensor1D, f: tf.Tensor1D) => {
      const { runtimeMs, idealMs } = bridge(c, f);
      return tf.add(tf.sum(tf.mul(runtimeMs, a)), tf.sum(tf.mul(idealMs, b))) as tf.Scalar;
    };
    const at = (c: number[], f: number[]) =>
      tf.tidy(() => scalar(tf.tensor1d(c), tf.tensor1d(f)).dataSync()[0]);

    it("gradients w.r.t. channels match central differences", () => {
      const grads = tf.tidy(() =>
        tf
          .grads((c: tf.Tensor, f: tf.Tensor) => scalar(c as tf.Tensor1D, f as tf.Tensor1D))([
            tf.tensor1d(inChannels),
            tf.tensor1d(outChannels),
          ])
          .map((g) => Array.from(g.dataSync())),
      );
      [inChannels, outChannels].forEach((values, which) => {
        values.forEach((value, i) => {
          const shifted = (delta: number) => {
            const copy = [[...inChannels], [...outChannels]];
            copy[which][i] = value + delta;
            return at(copy[0], copy[1]);
          };
          const numeric = (shifted(0.05) - shifted(-0.05)) / 0.1;
          const scale = Math.max(Math.abs(numeric), Math.abs(grads[which][i]), 1e-6);
          expect(Math.abs(grads[which][i] - numeric) / scale, `${which} row ${i}`).toBeLessThan(
            0.05,
          );
        });
      });
    });
  });
}

describe("cost bridge values", () => {
  it("runtime is the model's cycles over the clock, ideal its MACs over PEs and clock", () => {
    const integral = layers.map((layer) => ({ ...layer }));
    const bridge = costBridge(costSurface("flops", hardware, modelContext()), integral, hardware);
    const [runtime, ideal] = tf.tidy(() => {
      const out = bridge(
        tf.tensor1d(integral.map((l) => l.c)),
        tf.tensor1d(integral.map((l) => l.f)),
      );
      return [Array.from(out.runtimeMs.dataSync()), Array.from(out.idealMs.dataSync())];
    });
    const estimates = costModelByName("flops", "test").estimate(integral, hardware, modelContext());
    estimates.forEach((estimate, i) => {
      expect(runtime[i]).toBeCloseTo(estimate.cycles / 1e6, 7);
      expect(ideal[i]).toBeCloseTo(estimate.macs / 256 / 1e6, 7);
    });
  });
});
