/**
 * CIFAR-10 in its official binary format: files of 3,073-byte records, one label byte (0–9)
 * then the 1,024 red, 1,024 green and 1,024 blue values of a 32×32 image, row-major. Reads
 * data_batch_*.bin (training) and test_batch.bin from a folder, holds a seeded share of the
 * training records out for validation, and computes the per-channel normalization from the
 * remaining training records. Batches are assembled by cifar10Batches.ts.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { InputError } from "../errors.js";
import { shuffleInPlace } from "./shuffle.js";

export const imageSize = 32;
export const imageChannels = 3;
export const classCount = 10;
export const pixelsPerChannel = imageSize * imageSize;
export const recordBytes = 1 + imageChannels * pixelsPerChannel;

const defaultClassNames = [
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
];

/**
 * Records selected by index from one buffer of whole records, so training and validation
 * share their file's bytes.
 */
export interface RecordSet {
  /** whole records, back to back */
  records: Uint8Array;
  /** the selected records, ascending */
  indices: Uint32Array;
}

/** Per-channel mean and standard deviation (R, G, B) of pixel values scaled to [0, 1]. */
export interface Normalization {
  mean: [number, number, number];
  std: [number, number, number];
}

export interface Cifar10 {
  classNames: string[];
  train: RecordSet;
  validation: RecordSet;
  test: RecordSet;
  /** from `train` alone, so validation and test stay unseen */
  normalization: Normalization;
}

export interface Cifar10Options {
  /** share of the training records held out for validation, in [0, 1) (default 0) */
  validationFraction?: number;
  /** which records are held out (default 0) */
  seed?: number;
}

export async function loadCifar10(folder: string, options: Cifar10Options = {}): Promise<Cifar10> {
  const { validationFraction = 0, seed = 0 } = options;
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new InputError(`validation fraction must be in [0, 1) (got ${validationFraction})`);
  }
  const { trainFiles, testFile } = await findFiles(folder);
  const trainParts = await Promise.all(trainFiles.map(readRecords));
  const trainRecords = concatenate(trainParts);
  const test = await readRecords(testFile);
  const { train, validation } = splitValidation(trainRecords, validationFraction, seed);
  return {
    classNames: await readClassNames(folder),
    train,
    validation,
    test: { records: test, indices: allIndices(test.length / recordBytes) },
    normalization: channelNormalization(train),
  };
}

export function recordCount(set: RecordSet): number {
  return set.indices.length;
}

export function labelOf(set: RecordSet, position: number): number {
  return set.records[set.indices[position] * recordBytes];
}

async function findFiles(folder: string): Promise<{ trainFiles: string[]; testFile: string }> {
  const isFolder = await stat(folder).then(
    (entry) => entry.isDirectory(),
    () => false,
  );
  if (!isFolder) {
    throw new InputError(`${folder}: no such folder (expected the CIFAR-10 binary files)`);
  }
  const names = await readdir(folder);
  const trainFiles = names
    .map((name) => ({ name, number: /^data_batch_(\d+)\.bin$/.exec(name)?.[1] }))
    .filter((entry) => entry.number !== undefined)
    .sort((a, b) => Number(a.number) - Number(b.number))
    .map((entry) => join(folder, entry.name));
  if (trainFiles.length === 0) {
    throw new InputError(
      `${folder}: no data_batch_*.bin files (expected the CIFAR-10 binary version)`,
    );
  }
  if (!names.includes("test_batch.bin")) {
    throw new InputError(`${folder}: test_batch.bin not found`);
  }
  return { trainFiles, testFile: join(folder, "test_batch.bin") };
}

/** A file's bytes, checked record by record. */
async function readRecords(path: string): Promise<Uint8Array> {
  const buffer = await readFile(path);
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (bytes.length === 0) throw new InputError(`${path}: empty file (no records)`);
  if (bytes.length % recordBytes !== 0) {
    const record = Math.floor(bytes.length / recordBytes);
    throw new InputError(
      `${path}: truncated record ${record} (counting from 0): ${bytes.length} bytes is not a ` +
        `multiple of the ${recordBytes}-byte record`,
    );
  }
  for (let record = 0; record < bytes.length / recordBytes; record++) {
    const label = bytes[record * recordBytes];
    if (label >= classCount) {
      throw new InputError(
        `${path}: record ${record} (counting from 0): label out of range (${label}, expected 0–9)`,
      );
    }
  }
  return bytes;
}

async function readClassNames(folder: string): Promise<string[]> {
  const path = join(folder, "batches.meta.txt");
  const text = await readFile(path, "utf8").catch(() => undefined);
  if (text === undefined) return [...defaultClassNames];
  const names = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
  if (names.length !== classCount) {
    throw new InputError(
      `${path}: expected ${classCount} class names, one a line (got ${names.length})`,
    );
  }
  return names;
}

function concatenate(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const all = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

function allIndices(count: number): Uint32Array {
  return Uint32Array.from({ length: count }, (_, i) => i);
}

/** A seeded random subset of round(fraction · count) records becomes the validation set. */
function splitValidation(records: Uint8Array, fraction: number, seed: number) {
  const count = records.length / recordBytes;
  const order = shuffleInPlace(allIndices(count), xoroshiro128plus(seed));
  const held = Math.round(fraction * count);
  if (held >= count)
    throw new InputError(`validation fraction ${fraction} leaves no training records`);
  return {
    validation: { records, indices: order.slice(0, held).sort() },
    train: { records, indices: order.slice(held).sort() },
  };
}

function channelNormalization(set: RecordSet): Normalization {
  const sums = [0, 0, 0];
  const squares = [0, 0, 0];
  for (const record of set.indices) {
    const base = record * recordBytes + 1;
    for (let channel = 0; channel < imageChannels; channel++) {
      const start = base + channel * pixelsPerChannel;
      let sum = 0;
      let square = 0;
      for (let p = start; p < start + pixelsPerChannel; p++) {
        const value = set.records[p];
        sum += value;
        square += value * value;
      }
      sums[channel] += sum;
      squares[channel] += square;
    }
  }
  // sums of integers stay exact in float64 up to 2^53, far beyond CIFAR-10's 153M bytes
  const values = set.indices.length * pixelsPerChannel;
  const mean = sums.map((sum) => sum / values / 255);
  const std = squares.map((square, c) => Math.sqrt(square / values / 255 ** 2 - mean[c] ** 2));
  return { mean: mean as Normalization["mean"], std: std as Normalization["std"] };
}
