import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { initialChannelLogits } from "../../src/search/dmask.js";

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
