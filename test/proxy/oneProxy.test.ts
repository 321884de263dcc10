import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import {
  latencyQuantile,
  lossOfOptimality,
  quantileOfConstraint,
} from "../../src/proxy/oneProxy.js";

describe("one-proxy loss of optimality", () => {
  // Four architectures. Architecture 3 scores best but is the slowest on the proxy and the second
  // fastest on target A; target B swaps the first two architectures.
  const proxy = Float64Array.of(1, 2, 3, 4);
  const targetA = Float64Array.of(1, 4, 3, 2);
  const targetB = Float64Array.of(2, 1, 4, 3);
  const score = [5, 1, 0, 9];

  it("compares the proxy's pick with each target's own best at the same quantile", () => {
    const [q25, q50, q75, q100] = lossOfOptimality(
      [proxy, targetA, targetB],
      0,
      score,
      [0.25, 0.5, 0.75, 1],
    );
    // 25%: the proxy admits {0} and picks 0 (score 5). A admits {0}: best 5, loss 0. B admits
    // only its fastest, {1} (score 1): the pick is too slow there (2 ms > 1 ms), loss 1 − 5 = −4.
    expect(q25.proxyConstraintMs).toBe(1);
    expect(q25.chosen).toBe(0);
    expect(q25.targets).toEqual([
      { device: 1, constraintMs: 1, optimumScore: 5, loss: 0, feasible: true },
      { device: 2, constraintMs: 1, optimumScore: 1, loss: -4, feasible: false },
    ]);
    // 50%: the proxy admits {0, 1}, picks 0. A admits {0, 3} (1 and 2 ms): best 9, loss 9 − 5 = 4.
    expect(q50.chosen).toBe(0);
    expect(q50.targets[0]).toMatchObject({
      constraintMs: 2,
      optimumScore: 9,
      loss: 4,
      feasible: true,
    });
    // 75%: the proxy admits {0, 1, 2}, still picks 0; A admits {0, 2, 3}: loss 4 again.
    expect(q75.targets[0]).toMatchObject({ constraintMs: 3, loss: 4, feasible: true });
    // 100%: everything is admitted everywhere; both pick 3.
    expect(q100.chosen).toBe(3);
    expect(q100.targets.map((target) => target.loss)).toEqual([0, 0]);
  });

  it("loses nothing on a target whose latency is a monotone function of the proxy's", () => {
    const latencies = Float64Array.from({ length: 50 }, (_, i) => 1 + ((i * 37) % 50));
    const target = latencies.map((ms) => 0.3 * ms ** 1.5 + 2);
    const scores = Array.from({ length: 50 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    for (const row of lossOfOptimality([latencies, target], 0, scores, [0.1, 0.33, 0.5, 0.9])) {
      expect(row.targets[0].loss).toBe(0);
      expect(row.targets[0].feasible).toBe(true);
    }
  });

  it("reads a latency constraint as the share of architectures it admits on the proxy", () => {
    expect(latencyQuantile(proxy, 0.5)).toBe(2);
    expect(latencyQuantile(proxy, 0.6)).toBe(3);
    expect(quantileOfConstraint(proxy, 2.5)).toBe(0.5);
    expect(() => quantileOfConstraint(proxy, 0.5)).toThrow(InputError);
    expect(() => quantileOfConstraint(proxy, 0.5)).toThrow(
      /admits no architecture.*fastest 1\.000 ms/,
    );
  });
});
