import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTrainingData } from "../../src/data/trainingData.js";
import { projectRoot } from "../../src/projectRoot.js";
import { selectBackend } from "../../src/train/backend.js";
import { type TrainOptions, trainNetwork } from "../../src/train/trainNetwork.js";
import { derivedArch } from "../model/fixtures.js";

const shape = { layout: [true, true], resolution: 16, inChannels: 3, stemChannels: 8, classes: 10 };
const edgeOps = [
  "conv3x3",
  "dws3x3",
  "identity",
  "dil3x3",
  "zero",
  "zero",
  "conv3x3",
  "zero",
  "identity",
];
const arch = derivedArch(shape, edgeOps, 16);
const data = () =>
  loadTrainingData(join(projectRoot(), "data", "cifar10-mini"), {
    resolution: 16,
    imagesPerClass: 0,
    validationFraction: 0.1,
    seed: 0,
  });
const options = (outDir: string, epochs: number): TrainOptions => ({
  epochs,
  batch: 50,
  learningRate: 0.05,
  momentum: 0.9,
  weightDecay: 5e-4,
  clipNorm: 5,
  seed: 1,
  imagesPerClass: 0,
  outDir,
  resume: true,
  backend: "wasm",
});

// The wasm backend, as the CLI picks it here: the cpu backend's conv gradients are far too slow.
beforeAll(async () => {
  await selectBackend("wasm");
});

describe("training a derived network on real CIFAR-10 images", () => {
  it("loss falls and test top-1 beats chance (10%) clearly", async () => {
    const result = await trainNetwork(
      arch,
      await data(),
      options(mkdtempSync(join(tmpdir(), "uboost-train-")), 6),
    );
    expect(result.epochs.at(-1)?.trainLoss).toBeLessThan(result.epochs[0].trainLoss);
    expect(result.testTop1).toBeGreaterThan(0.2);
  });

  it("an interrupted run resumed from its checkpoint ends in the same state as an uninterrupted one", async () => {
    const whole = mkdtempSync(join(tmpdir(), "uboost-whole-"));
    const resumed = mkdtempSync(join(tmpdir(), "uboost-resumed-"));
    const reference = await trainNetwork(arch, await data(), options(whole, 3));
    const interrupt = {
      ...options(resumed, 3),
      onEpoch: () => {
        throw new Error("interrupted");
      },
    };
    const trainingData = await data();
    const tensors = tf.memory().numTensors;
    await expect(trainNetwork(arch, trainingData, interrupt)).rejects.toThrow("interrupted");
    // the interrupted run released its variables, momentum buffers and batches
    expect(tf.memory().numTensors).toBe(tensors);
    const outcome = await trainNetwork(arch, await data(), options(resumed, 3));
    expect(outcome.testTop1).toBe(reference.testTop1);
    expect(outcome.epochs).toEqual(reference.epochs);
    const weights = (dir: string) => readFileSync(join(dir, "model", "weights.bin"));
    expect(weights(resumed).equals(weights(whole))).toBe(true);
  });
});
