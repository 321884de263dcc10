import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { channelMasks, initialChannelLogits, maskMatrix } from "../../src/search/dmask.js";
import { gumbelSoftmax } from "../../src/search/gumbel.js";

describe("DMask", () => {
  it("mask_j keeps the first ch_j channels; each layer's soft mask is its Gumbel-weighted sum", () => {
    const masks = maskMatrix([2, 4, 6], 6);
    expect(masks.arraySync()).toEqual([
      [1, 1, 0, 0, 0, 0],
      [1, 1, 1, 1, 0, 0],
      [1, 1, 1, 1, 1, 1],
    ]);
    const weights = tf.tensor2d([
      [0.5, 0.25, 0.25],
      [0, 0, 1],
    ]);
    const [first, second] = channelMasks(weights, masks).map((mask) => mask.arraySync());
    expect(first).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
    expect(second).toEqual([1, 1, 1, 1, 1, 1]);
  });
  it("Gumbel-softmax samples are distributions that sharpen as τ falls", () => {
    const logits = tf.tensor2d([
      [1, 2, 3],
      [0, 0, 0],
    ]);
    const soft = gumbelSoftmax(logits, 1, 7).arraySync() as number[][];
    const hard = gumbelSoftmax(logits, 0.01, 7).arraySync() as number[][];
    for (const row of [...soft, ...hard]) expect(row.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    expect(Math.max(...hard[0])).toBeGreaterThan(0.99);
  });
});

describe("initial architecture logits", () => {
  it("channel logits: one Gaussian bump per layer (σ = one option) on a seeded random option", () => {
    const rows = tf.tidy(() => initialChannelLogits(50, 7, 13).arraySync());
    const again = tf.tidy(() => initialChannelLogits(50, 7, 13).arraySync());
    expect(again).toEqual(rows);
    const peak = 1 / Math.sqrt(2 * Math.PI);
    const centres = rows.map((row) => row.indexOf(Math.max(...row)));
    rows.forEach((row, i) => {
      row.forEach((value, j) => {
        expect(value).toBeCloseTo(peak * Math.exp(-((j - centres[i]) ** 2) / 2), 6);
      });
    });
    // seeded, not all alike: 50 draws over 7 options reach several of them
    expect(new Set(centres).size).toBeGreaterThan(3);
  });
});
