import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/train/backend.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

describe("the wasm backend's Identity (clones, tensors saved for gradients)", () => {
  it("shares its input's memory: a clone adds no buffer", () => {
    const x = tf.randomUniform([64, 8, 8, 16], -1, 1, "float32", 3);
    const before = tf.memory().numDataBuffers;
    const copy = tf.clone(x);
    expect(tf.memory().numDataBuffers).toBe(before);
    expect(Array.from(copy.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, copy]);
  });

  it("keeps a clone's values after its source is disposed, and frees them with the last one", () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    const buffersBefore = tf.memory().numDataBuffers;
    const x = tf.tensor(values);
    const copy = tf.clone(x);
    x.dispose();
    // the heap is reused: a new tensor of the same size must not land on the clone's values
    const other = tf.fill([1000], 7);
    expect(Array.from(copy.dataSync())).toEqual(Array.from(values));
    tf.dispose([copy, other]);
    expect(tf.memory().numDataBuffers).toBe(buffersBefore);
  });

  it("leaves gradients through saved tensors as they were", () => {
    // d/dx Σ relu(x)·x = relu'(x)·x + relu(x): relu saves its input through Identity
    const x = tf.tensor1d([-2, -0.5, 0.5, 3]);
    const gradient = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), t)))(x);
    expect(Array.from(gradient.dataSync())).toEqual([0, 0, 1, 6]);
    tf.dispose([x, gradient]);
  });
});
