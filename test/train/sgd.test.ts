import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/train/backend.js";
import { createSgd } from "../../src/train/sgd.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

describe("SGD with momentum, weight decay and clipping (PyTorch's order)", () => {
  it("clips the global norm, adds weight decay, then steps with momentum", () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const sgd = createSgd([w], {
      learningRate: 0.1,
      momentum: 0.9,
      weightDecay: 0.01,
      maxGradNorm: 1,
    });
    const g = tf.tensor1d([3, 4]); // norm 5: clipped to 1
    const grads = { [w.name]: g };
    expect(sgd.step(grads)).toBeCloseTo(5, 5);
    const clip = 1 / (5 + 1e-6);
    const g1 = [3 * clip + 0.01 * 1, 4 * clip + 0.01 * 2];
    const w1 = [1 - 0.1 * g1[0], 2 - 0.1 * g1[1]];
    expect(Array.from(w.dataSync())).toEqual(w1.map((v) => expect.closeTo(v, 6)));
    sgd.step(grads, 0.05); // a learning rate for this step only
    const g2 = [3 * clip + 0.01 * w1[0], 4 * clip + 0.01 * w1[1]];
    const v2 = [0.9 * g1[0] + g2[0], 0.9 * g1[1] + g2[1]];
    expect(Array.from(w.dataSync())).toEqual(
      [w1[0] - 0.05 * v2[0], w1[1] - 0.05 * v2[1]].map((v) => expect.closeTo(v, 6)),
    );
    expect(Array.from(sgd.velocityOf(w).dataSync())).toEqual(v2.map((v) => expect.closeTo(v, 6)));
    sgd.dispose();
    tf.dispose([w, g]);
  });

  it("Nesterov steps along g + momentum·v, with a per-step rate and momentum", () => {
    const w = tf.variable(tf.tensor1d([1]));
    const sgd = createSgd([w], { learningRate: 0.1, momentum: 0.9, nesterov: true });
    const g = tf.tensor1d([2]);
    sgd.step({ [w.name]: g }); // v = 2, update 2 + 0.9·2 = 3.8
    expect(w.dataSync()[0]).toBeCloseTo(1 - 0.38, 6);
    sgd.step({ [w.name]: g }, 0.01, 0.5); // v = 0.5·2 + 2 = 3, update 2 + 0.5·3 = 3.5
    expect(w.dataSync()[0]).toBeCloseTo(1 - 0.38 - 0.035, 6);
    sgd.dispose();
    tf.dispose([w, g]);
  });

  it("on a backend whose tensors keep the array they are made from, each variable keeps its own values", async () => {
    await tf.setBackend("cpu");
    try {
      const a = tf.variable(tf.tensor1d([1, 2]));
      const b = tf.variable(tf.tensor1d([10, 20]));
      const sgd = createSgd([a, b], { learningRate: 1, momentum: 0 });
      const grads = { [a.name]: tf.tensor1d([0.5, 0.5]), [b.name]: tf.tensor1d([1, 1]) };
      sgd.step(grads);
      sgd.step(grads);
      expect(Array.from(a.dataSync())).toEqual([0, 1]);
      expect(Array.from(b.dataSync())).toEqual([8, 18]);
      sgd.dispose();
      tf.dispose([a, b, ...Object.values(grads)]);
    } finally {
      await selectBackend("wasm");
    }
  });

  it("leaves variables without a gradient alone and releases its buffers", () => {
    const before = tf.memory().numTensors;
    const a = tf.tidy(() => tf.variable(tf.scalar(1)));
    const b = tf.tidy(() => tf.variable(tf.scalar(1)));
    const sgd = createSgd([a, b], { learningRate: 1, momentum: 0 });
    const grad = tf.scalar(0.5);
    sgd.step({ [a.name]: grad });
    expect(a.dataSync()[0]).toBeCloseTo(0.5);
    expect(b.dataSync()[0]).toBe(1);
    sgd.dispose();
    tf.dispose([a, b, grad]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
