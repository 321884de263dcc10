import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import {
  adaptationCurve,
  disposePredictor,
  pretrainPredictor,
  useCpuBackend,
} from "../../src/proxy/adaProxy.js";
import { checkSampleCounts } from "../../src/proxy/adaSplit.js";
import { evaluateLatenciesInline } from "../../src/proxy/evaluate.js";
import {
  architectureFeatures,
  proxyLatencyFeatures,
  sampleArchitectures,
} from "../../src/proxy/sample.js";
import { spearman } from "../../src/proxy/srcc.js";
import { builtinSample } from "./fixtures.js";

const sample = builtinSample(8);
const array = (size: number) => ({
  label: `${size}x${size}`,
  config: { ...defaultSimConfig, arrayRows: size, arrayCols: size },
});

/**
 * A pair of devices with weak monotonicity: a 32×32 and a 256×256 array. Both pay ⌈c/rows⌉·⌈f/cols⌉
 * folds, so their latencies differ by a channel-dependent sawtooth: the small array tracks MACs,
 * while on the large one every width in 64..256 costs one fold. Their SRCC is ≈ 0.1.
 */
describe("AdaProxy", () => {
  const archs = sampleArchitectures(sample, 500, 1);
  const [proxy, target] = evaluateLatenciesInline(
    sample,
    archs,
    [array(32), array(256)],
    "systolic",
  );

  beforeAll(useCpuBackend);

  // Measured over seeds 1–6 (each its own architectures and draws): the lift with 20 target
  // samples ranged 0.07–0.26 (mean 0.15) and with 50 samples 0.24–0.37 (mean 0.30); the
  // unadapted predictor stayed within 0.04 of the proxy's own SRCC, itself below 0.11. So each
  // seed must show a lift, and the mean over three seeds the size of it: one seed's luck
  // neither passes nor fails the test.
  it("lifts the SRCC on a weakly monotone target with 20 and more target samples", () => {
    const lifts = [1, 2, 3].map((seed) => {
      const sampled = sampleArchitectures(sample, 500, seed);
      const [proxyMs, targetMs] = evaluateLatenciesInline(
        sample,
        sampled,
        [array(32), array(256)],
        "systolic",
      );
      const options = { sampleCounts: [5, 20, 50], seed };
      const srcc = spearman(proxyMs, targetMs);
      expect(Math.abs(srcc)).toBeLessThan(0.2);
      const features = architectureFeatures(sample, sampled);
      const predictor = pretrainPredictor(features, proxyMs, options);
      const curve = adaptationCurve(predictor, targetMs, options);
      disposePredictor(predictor);
      const [, twenty, fifty] = curve;
      // the proxy predictor ranks the target about as badly as the proxy itself
      expect(Math.abs(curve[0].before - srcc), `seed ${seed}`).toBeLessThan(0.1);
      expect(twenty.after - twenty.before, `seed ${seed}`).toBeGreaterThan(0.03);
      expect(fifty.after - fifty.before, `seed ${seed}`).toBeGreaterThan(0.15);
      expect(fifty.after, `seed ${seed}`).toBeGreaterThan(twenty.after);
      return { twenty: twenty.after - twenty.before, fifty: fifty.after - fifty.before };
    });
    const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(mean(lifts.map((lift) => lift.twenty))).toBeGreaterThan(0.1);
    expect(mean(lifts.map((lift) => lift.fifty))).toBeGreaterThan(0.25);
  }, 240_000);

  it("is deterministic for a seed and leaves the proxy predictor as it was", () => {
    const small = { sampleCounts: [10], seed: 4, pretrainSteps: 40, fineTuneSteps: 10 };
    const features = architectureFeatures(sample, archs).slice(0, 100);
    const tensors = tf.memory().numTensors;
    const run = () => {
      const predictor = pretrainPredictor(features, proxy.subarray(0, 100), small);
      const curve = adaptationCurve(predictor, target.subarray(0, 100), small);
      // fine-tuning works on copies: the proxy predictor adapts the same way twice
      expect(adaptationCurve(predictor, target.subarray(0, 100), small)).toEqual(curve);
      disposePredictor(predictor);
      return curve;
    };
    expect(run()).toEqual(run());
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it("gives no SRCC (NaN) against a target whose latencies are all equal", () => {
    const small = { sampleCounts: [10], seed: 4, pretrainSteps: 20, fineTuneSteps: 5 };
    const features = architectureFeatures(sample, archs).slice(0, 60);
    const predictor = pretrainPredictor(features, proxy.subarray(0, 60), small);
    const [point] = adaptationCurve(predictor, new Float64Array(60).fill(0.1), small);
    disposePredictor(predictor);
    expect(point.before).toBeNaN();
    expect(point.after).toBeNaN();
  });

  it("scores a constant proxy 0 everywhere (σ exactly 0, not rounding noise)", () => {
    for (const n of [7, 30, 101]) {
      const features = proxyLatencyFeatures(new Array<number>(n).fill(0.3));
      expect(features.every((row) => row[0] === 0)).toBe(true);
    }
  });

  it("falls back to the proxy's latency as the only feature", () => {
    const features = proxyLatencyFeatures([1, Math.E, Math.E ** 2]);
    expect(features.map((row) => row.length)).toEqual([1, 1, 1]);
    expect(features[1][0]).toBeCloseTo(0, 6);
    expect(features[2][0]).toBeCloseTo(-features[0][0], 6);
  });

  it("refuses more target samples than leave architectures to judge on", () => {
    expect(() => checkSampleCounts([5, 50], 52)).toThrow(InputError);
    expect(() => checkSampleCounts([5, 50], 55)).not.toThrow();
  });
});
