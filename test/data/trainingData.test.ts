import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { loadTrainingData } from "../../src/data/trainingData.js";

/** An ImageNet-style folder: train/ and val/, one subfolder of solid-colour PNGs per class. */
function imageNetFolder(): string {
  const root = mkdtempSync(join(tmpdir(), "uboost-imagenet-"));
  const colours: Record<string, [number, number, number]> = {
    red: [255, 0, 0],
    green: [0, 255, 0],
    blue: [0, 0, 255],
  };
  for (const [split, perClass] of [
    ["train", 4],
    ["val", 2],
  ] as const) {
    for (const [name, [r, g, b]] of Object.entries(colours)) {
      mkdirSync(join(root, split, name), { recursive: true });
      for (let i = 0; i < perClass; i++) {
        const png = new PNG({ width: 12, height: 10 });
        for (let p = 0; p < 120; p++) png.data.set([r, g, b, 255], p * 4);
        writeFileSync(join(root, split, name, `${i}.png`), PNG.sync.write(png));
      }
    }
  }
  return root;
}

describe("training data from an image folder (train/ and val/)", () => {
  it("has one class per subfolder, a validation split, and normalized, augmented batches", async () => {
    const data = await loadTrainingData(imageNetFolder(), {
      resolution: 8,
      imagesPerClass: 0,
      validationFraction: 0.25,
      seed: 0,
    });
    expect(data.classes).toBe(3);
    expect([data.train.count, data.validation.count, data.test.count]).toEqual([9, 3, 6]);
    const [{ x, y }] = [...data.test.batches(6, { seed: 0, augment: false })];
    expect(x.shape).toEqual([6, 8, 8, 3]);
    // a solid image is constant after normalization, and the red plane of a red image is its max
    const pixels = (await x.array()) as number[][][][];
    const labels = Array.from(await y.data());
    const red = pixels[labels.indexOf(1)]; // classes sort: blue 0, green 1, red 2
    expect(new Set(red.flat().map((rgb) => rgb.join())).size).toBe(1);
    tf.dispose([x, y]);
  });

  it("augmentation is seeded: the same seed gives the same batch, and crops bring in padding", async () => {
    const data = await loadTrainingData(imageNetFolder(), {
      resolution: 8,
      imagesPerClass: 0,
      validationFraction: 0,
      seed: 0,
    });
    const batch = (seed: number) => {
      const [{ x, y }] = [...data.train.batches(12, { seed, augment: true })];
      const result = { pixels: x.arraySync() as number[][][][], labels: Array.from(y.dataSync()) };
      tf.dispose([x, y]);
      return result;
    };
    expect(batch(5)).toEqual(batch(5));
    expect(batch(5)).not.toEqual(batch(6));
    // red images (label 2) are solid red: a shifted crop shows zero padding in the red plane
    const { pixels, labels } = batch(5);
    const redPlanes = labels.flatMap((label, i) =>
      label === 2 ? [pixels[i].flat().map((rgb) => rgb[0])] : [],
    );
    expect(redPlanes.some((plane) => new Set(plane).size === 2)).toBe(true);
  });

  it("random-resized crops (ImageNet) stay inside the image: no padding, seeded", async () => {
    const data = await loadTrainingData(imageNetFolder(), {
      resolution: 8,
      imagesPerClass: 0,
      validationFraction: 0,
      seed: 0,
      augmentation: "resized-crop",
    });
    const batch = (seed: number) => {
      const [{ x, y }] = [...data.train.batches(12, { seed, augment: true })];
      const result = { pixels: x.arraySync() as number[][][][], labels: Array.from(y.dataSync()) };
      tf.dispose([x, y]);
      return result;
    };
    expect(batch(5)).toEqual(batch(5));
    const { pixels, labels } = batch(5);
    const redPlanes = labels.flatMap((label, i) =>
      label === 2 ? [pixels[i].flat().map((rgb) => rgb[0])] : [],
    );
    expect(redPlanes.length).toBe(4);
    for (const plane of redPlanes) expect(new Set(plane).size).toBe(1);
  });

  it("ImageNet-100 needs an image folder, not CIFAR-10's binary files", async () => {
    const cifar = mkdtempSync(join(tmpdir(), "uboost-cifar-"));
    await expect(
      loadTrainingData(cifar, {
        resolution: 8,
        imagesPerClass: 0,
        validationFraction: 0,
        seed: 0,
        classSubset: "imagenet100",
      }),
    ).rejects.toThrow(`--data: ${cifar} is not an ImageNet-style folder`);
  });
});
