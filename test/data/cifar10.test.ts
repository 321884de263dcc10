import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Cifar10,
  labelOf,
  loadCifar10,
  type Normalization,
  recordBytes,
  recordCount,
} from "../../src/data/cifar10.js";
import { type BatchOptions, batchesPerEpoch, epochBatches } from "../../src/data/cifar10Batches.js";
import { InputError } from "../../src/errors.js";

import { projectRoot } from "../../src/projectRoot.js";

// The 12,000-record subset lives beside the project (../shared/data), as on CI's clones.
const realFolder = join(projectRoot(), "..", "shared", "data", "cifar10-subset");

beforeAll(async () => {
  tf.enableProdMode(); // no "install tfjs-node" banner from the cpu backend
  await tf.setBackend("cpu");
});

/** All batches of one epoch as plain arrays, every tensor disposed. */
function readEpoch(data: Cifar10, epoch: number, options: BatchOptions) {
  const out: { x: Float32Array; labels: Int32Array; shape: number[] }[] = [];
  for (const batch of epochBatches(data.train, data.normalization, epoch, options)) {
    out.push({
      x: batch.x.dataSync() as Float32Array,
      labels: batch.labels.dataSync() as Int32Array,
      shape: batch.x.shape,
    });
    tf.dispose(batch);
  }
  return out;
}

describe.skipIf(!existsSync(realFolder))("the CIFAR-10 subset (real records)", () => {
  let data: Cifar10;
  let fileBytes: Uint8Array;
  beforeAll(async () => {
    data = await loadCifar10(realFolder);
    fileBytes = new Uint8Array(await readFile(join(realFolder, "data_batch_1.bin")));
  });

  it("reads every record, label and class name", () => {
    expect(recordCount(data.train)).toBe(10_000);
    expect(recordCount(data.validation)).toBe(0);
    expect(recordCount(data.test)).toBe(2_000);
    expect(data.classNames).toEqual([
      "airplane",
      "automobile",
      "bird",
      "cat",
      "deer",
      "dog",
      "frog",
      "horse",
      "ship",
      "truck",
    ]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((i) => labelOf(data.train, i))).toEqual([
      2, 9, 8, 0, 4, 1, 3, 4,
    ]);
    expect([0, 1, 2, 3, 4].map((i) => labelOf(data.test, i))).toEqual([6, 3, 5, 0, 3]);
  });

  it("normalizes with the training split's per-channel mean and std", () => {
    const { mean, std } = data.normalization;
    for (let channel = 0; channel < 3; channel++) {
      let sum = 0;
      let square = 0;
      for (let record = 0; record < 10_000; record++) {
        const plane = fileBytes.subarray(
          record * recordBytes + 1 + channel * 1024,
          record * recordBytes + 1 + (channel + 1) * 1024,
        );
        for (const value of plane) {
          sum += value / 255;
          square += (value / 255) ** 2;
        }
      }
      const n = 10_000 * 1024;
      expect(mean[channel]).toBeCloseTo(sum / n, 9);
      expect(std[channel]).toBeCloseTo(Math.sqrt(square / n - (sum / n) ** 2), 9);
    }
    // CIFAR-10's well-known statistics, roughly (JPEG-decoded subset)
    expect(mean[0]).toBeGreaterThan(0.45);
    expect(mean[2]).toBeLessThan(mean[0]);
  });

  it("puts a record's R, G and B planes (bytes 1–1024, 1025–2048, 2049–3072) in NHWC order", () => {
    const [first] = readEpoch(data, 0, { batchSize: 2 });
    expect(first.shape).toEqual([2, 32, 32, 3]);
    const { mean, std } = data.normalization;
    const record = 1; // the second image of the batch
    for (const [row, col] of [
      [0, 0],
      [0, 1],
      [5, 17],
      [31, 31],
    ]) {
      for (let channel = 0; channel < 3; channel++) {
        const byte = fileBytes[record * recordBytes + 1 + channel * 1024 + row * 32 + col];
        const value = first.x[((record * 32 + row) * 32 + col) * 3 + channel];
        expect(value).toBeCloseTo((byte / 255 - mean[channel]) / std[channel], 5);
      }
    }
  });

  it("holds out a seeded, disjoint validation share, normalizing from the rest", async () => {
    const split = await loadCifar10(realFolder, { validationFraction: 0.5, seed: 3 });
    const again = await loadCifar10(realFolder, { validationFraction: 0.5, seed: 3 });
    const other = await loadCifar10(realFolder, { validationFraction: 0.5, seed: 4 });
    expect(recordCount(split.train)).toBe(5_000);
    expect(recordCount(split.validation)).toBe(5_000);
    const all = new Set([...split.train.indices, ...split.validation.indices]);
    expect(all.size).toBe(10_000);
    expect(Array.from(again.validation.indices)).toEqual(Array.from(split.validation.indices));
    expect(Array.from(other.validation.indices)).not.toEqual(Array.from(split.validation.indices));
    expect(split.normalization.mean[0]).not.toBe(data.normalization.mean[0]);
  });

  it("counts batches, keeping the last, smaller one", () => {
    expect(batchesPerEpoch(data.train, { batchSize: 64 })).toBe(157);
  });
});

describe("batches from small synthetic files", () => {
  let folder: string;
  /** record r: label r % 10, channel c of pixel p = (r · 7 + c · 50 + p) mod 256 */
  const pixel = (record: number, channel: number, p: number) =>
    (record * 7 + channel * 50 + p) % 256;
  /** records first … first + count − 1 */
  const recordsOf = (count: number, first = 0, labelOf = (r: number) => r % 10) => {
    const bytes = new Uint8Array(count * recordBytes);
    for (let i = 0; i < count; i++) {
      const r = first + i;
      bytes[i * recordBytes] = labelOf(r);
      for (let c = 0; c < 3; c++) {
        for (let p = 0; p < 1024; p++) bytes[i * recordBytes + 1 + c * 1024 + p] = pixel(r, c, p);
      }
    }
    return bytes;
  };

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "uboost-cifar-"));
    await mkdir(join(folder, "good"));
    await writeFile(join(folder, "good", "data_batch_1.bin"), recordsOf(12));
    await writeFile(join(folder, "good", "data_batch_2.bin"), recordsOf(8, 12));
    await writeFile(join(folder, "good", "test_batch.bin"), recordsOf(5));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const identity: Normalization = { mean: [0, 0, 0], std: [1 / 255, 1 / 255, 1 / 255] };

  it("reads batch files in numeric order", async () => {
    const data = await loadCifar10(join(folder, "good"));
    expect(recordCount(data.train)).toBe(20);
    expect(labelOf(data.train, 12)).toBe(2); // first record of data_batch_2
    const [batch] = epochBatches(data.train, identity, 0, { batchSize: 4 });
    expect(batch.labels.dataSync()).toEqual(new Int32Array([0, 1, 2, 3]));
    tf.dispose(batch);
  });

  it("augments each image by a padded crop and maybe a flip, the same for the same seed", async () => {
    const data = await loadCifar10(join(folder, "good"));
    const options = { batchSize: 8, shuffle: true, augment: true, seed: 5 };
    const epoch = readEpoch({ ...data, normalization: identity }, 2, options);
    expect(epoch.map((b) => b.shape[0])).toEqual([8, 8, 4]);
    expect(readEpoch({ ...data, normalization: identity }, 2, options)).toEqual(epoch);
    expect(readEpoch({ ...data, normalization: identity }, 3, options)).not.toEqual(epoch);
    // every image is exactly one of the 9 × 9 × 2 crops and flips of its record
    const seen = new Set<number>();
    let flips = 0;
    for (const batch of epoch) {
      batch.labels.forEach((label, i) => {
        const image = batch.x.subarray(i * 3072, (i + 1) * 3072);
        const records = Array.from({ length: 20 }, (_, r) => r).filter((r) => r % 10 === label);
        const match = records
          .flatMap((record) => cropsOf(record).map((crop) => ({ record, ...crop })))
          .find((crop) => crop.image.every((v, k) => v === Math.round(image[k])));
        expect(match).toBeDefined();
        if (match) seen.add(match.record);
        if (match?.flip) flips++;
      });
    }
    expect(seen.size).toBe(20);
    expect(flips).toBeGreaterThan(0);
    expect(flips).toBeLessThan(20);
  });

  /** Every crop (top, left ∈ 0..8 of the image padded by 4 zeros) and flip of a record, HWC. */
  function cropsOf(record: number) {
    const crops: { flip: boolean; image: Float32Array }[] = [];
    for (let top = 0; top <= 8; top++) {
      for (let left = 0; left <= 8; left++) {
        for (const flip of [false, true]) {
          const image = new Float32Array(3072);
          for (let row = 0; row < 32; row++) {
            for (let col = 0; col < 32; col++) {
              const sr = row + top - 4;
              const sc = (flip ? 31 - col : col) + left - 4;
              for (let c = 0; c < 3; c++) {
                const inside = sr >= 0 && sr < 32 && sc >= 0 && sc < 32;
                image[(row * 32 + col) * 3 + c] = inside ? pixel(record, c, sr * 32 + sc) : 0;
              }
            }
          }
          crops.push({ flip, image });
        }
      }
    }
    return crops;
  }

  it("shuffles each epoch differently but deterministically, and leaks no tensors", async () => {
    const data = await loadCifar10(join(folder, "good"));
    const order = (epoch: number, seed: number) =>
      readEpoch(data, epoch, { batchSize: 6, shuffle: true, seed }).flatMap((b) =>
        Array.from(b.labels),
      );
    const before = tf.memory().numTensors;
    const first = order(0, 1);
    expect(order(0, 1)).toEqual(first);
    expect(order(1, 1)).not.toEqual(first);
    expect(order(0, 2)).not.toEqual(first);
    expect([...first].sort()).toEqual(Array.from({ length: 20 }, (_, r) => r % 10).sort());
    for (let epoch = 0; epoch < 3; epoch++) {
      for (const batch of epochBatches(data.train, data.normalization, epoch, {
        batchSize: 7,
        shuffle: true,
        augment: true,
      })) {
        tf.dispose(batch);
      }
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  describe("bad data is an InputError naming the file and record", () => {
    const write = async (name: string, files: Record<string, Uint8Array>) => {
      const dir = join(folder, name);
      await mkdir(dir, { recursive: true });
      for (const [file, bytes] of Object.entries(files)) await writeFile(join(dir, file), bytes);
      return dir;
    };
    const rejects = (dir: string, message: RegExp) =>
      expect(loadCifar10(dir)).rejects.toSatisfy(
        (error: unknown) => error instanceof InputError && message.test(error.message),
      );

    it("a truncated record", async () => {
      const bytes = new Uint8Array(2 * recordBytes + 100);
      const dir = await write("truncated", {
        "data_batch_1.bin": bytes,
        "test_batch.bin": recordsOf(1),
      });
      await rejects(dir, /data_batch_1\.bin: truncated record 2 /);
    });

    it("a label out of range", async () => {
      const bytes = recordsOf(4, 0, (r) => (r === 3 ? 12 : 0));
      const dir = await write("label", {
        "data_batch_1.bin": recordsOf(2),
        "test_batch.bin": bytes,
      });
      await rejects(dir, /test_batch\.bin: record 3 .*label out of range \(12/);
    });

    it("an empty file, an empty folder, a missing test file or folder", async () => {
      const empty = await write("empty-file", {
        "data_batch_1.bin": new Uint8Array(0),
        "test_batch.bin": recordsOf(1),
      });
      await rejects(empty, /data_batch_1\.bin: empty file/);
      await rejects(await write("empty-folder", {}), /no data_batch_\*\.bin files/);
      await rejects(
        await write("no-test", { "data_batch_1.bin": recordsOf(1) }),
        /test_batch\.bin not found/,
      );
      await rejects(join(folder, "missing"), /no such folder/);
    });

    it("a validation fraction that leaves no training data", async () => {
      await expect(
        loadCifar10(join(folder, "good"), { validationFraction: 1 }),
      ).rejects.toBeInstanceOf(InputError);
    });
  });
});
