import { describe, expect, it } from "vitest";
import { oneCycle, stepDecay } from "../../src/train/schedule.js";

describe("learning-rate schedules", () => {
  it("step decay halves every 30 epochs", () => {
    expect([0, 29, 30, 59, 60].map((epoch) => stepDecay(0.001, epoch, 30, 0.5))).toEqual([
      0.001, 0.001, 0.0005, 0.0005, 0.00025,
    ]);
  });

  it("one-cycle follows PyTorch's OneCycleLR (cosine, peak/25 → peak → peak/25/1e4, momentum 0.95 ↔ 0.85)", () => {
    // 100 steps, 10% warm-up: the warm-up phase ends at step 9, the cycle at step 99.
    const at = (step: number) => oneCycle(0.025, step, 100);
    expect(at(0).learningRate).toBeCloseTo(0.001, 12);
    expect(at(0).momentum).toBeCloseTo(0.95, 12);
    // step 3 of 9: cos(π/3) = 1/2, so 3/4 of the way back from the peak: 0.025 − 0.024·0.75
    expect(at(3).learningRate).toBeCloseTo(0.007, 12);
    expect(at(3).momentum).toBeCloseTo(0.85 + 0.1 * 0.75, 12);
    expect(at(9).learningRate).toBeCloseTo(0.025, 12);
    expect(at(9).momentum).toBeCloseTo(0.85, 12);
    // half-way down: the mean of the peak and the final rate
    expect(at(54).learningRate).toBeCloseTo((0.025 + 1e-7) / 2, 12);
    expect(at(54).momentum).toBeCloseTo(0.9, 12);
    expect(at(99).learningRate).toBeCloseTo(1e-7, 12);
    expect(at(99).momentum).toBeCloseTo(0.95, 12);
  });
});
