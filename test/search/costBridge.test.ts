import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { modelContext } from "../../src/hw/models/index.js";
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
const weights = [1, 0.3, 0.7, 1];
const inChannels = [3, 20.4, 27.6, 13.2];
const outChannels = [20.4, 27.6, 13.2, 10];

// loss = λ·latency − β·util, as in the search (eq. 8 without the cross-entropy)
const lambda = 2;
const beta = 3;

for (const model of ["systolic", "pipelined", "flops", "roofline"]) {
  describe(`cost bridge (${model})`, () => {
    const bridge = costBridge(costSurface(model, hardware, modelContext()), layers, hardware);
    const loss = (w: tf.Tensor1D, c: tf.Tensor1D, f: tf.Tensor1D) => {
      const { latencyMs, util } = bridge(w, c, f);
      return latencyMs.mul(lambda).sub(util.mul(beta)) as tf.Scalar;
    };
    const lossAt = (w: number[], c: number[], f: number[]) =>
      tf.tidy(() => loss(tf.tensor1d(w), tf.tensor1d(c), tf.tensor1d(f)).dataSync()[0]);

    it("gradients w.r.t. op weights and channels match central differences", () => {
      const grads = tf.tidy(() =>
        tf
          .grads((...args: tf.Tensor[]) =>
            loss(...(args as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D])),
          )([tf.tensor1d(weights), tf.tensor1d(inChannels), tf.tensor1d(outChannels)])
          .map((g) => Array.from(g.dataSync())),
      );
      const inputs = [weights, inChannels, outChannels];
      inputs.forEach((values, which) => {
        values.forEach((value, i) => {
          const step = which === 0 ? 1e-2 : 0.25;
          const shifted = (delta: number) => {
            const copy = inputs.map((v) => [...v]);
            copy[which][i] = value + delta;
            return lossAt(copy[0], copy[1], copy[2]);
          };
          const numeric = (shifted(step) - shifted(-step)) / (2 * step);
          const scale = Math.max(Math.abs(numeric), Math.abs(grads[which][i]), 1e-3);
          expect(
            Math.abs(grads[which][i] - numeric) / scale,
            `input ${which} row ${i}`,
          ).toBeLessThan(0.05);
        });
      });
    });

    it("forward latency and util are the network totals", () => {
      const [latency, util] = tf.tidy(() => {
        const out = bridge(
          tf.tensor1d([1, 1, 1, 1]),
          tf.tensor1d([3, 20, 28, 13]),
          tf.tensor1d([20, 28, 13, 10]),
        );
        return [out.latencyMs.dataSync()[0], out.util.dataSync()[0]];
      });
      expect(latency).toBeGreaterThan(0);
      expect(util).toBeGreaterThan(0);
      expect(util).toBeLessThanOrEqual(1 + 1e-6);
    });
  });
}
