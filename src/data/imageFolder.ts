/**
 * An ImageNet-style data set on disk: one subfolder per class (sorted names give the labels),
 * PNG or JPEG files inside. Files with other extensions and hidden entries are skipped; each
 * image is decoded by its content (ImageNet has PNGs named .JPEG), grayscale becomes three equal
 * channels, alpha is dropped, and the whole image is resized to resolution × resolution without
 * cropping (as downsampled ImageNet does), with PIL's antialiased bilinear filter.
 */
import { type Dirent, readdirSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { InputError } from "../errors.js";
import { shuffleInPlace } from "./shuffle.js";

/** Which class folders to read: all, or ImageNet-100's tenth of ImageNet. */
export type ClassSubset = "all" | "imagenet100";

export interface ImageFolderOptions {
  /** Output side in pixels. */
  resolution: number;
  /** At most this many images per class, drawn at random (seeded). */
  maxPerClass?: number;
  /** Held out per class for validation, in [0, 1); default 0. */
  validationFraction?: number;
  /** For the draws above; default 0. */
  seed?: number;
  /**
   * "imagenet100": of full ImageNet's 1,000 sorted class folders keep 0, 10, 20, …, 990 (the
   * reference's ImageNet-100); a folder of exactly 100 classes is taken whole.
   */
  classSubset?: ClassSubset;
  onProgress?: (decoded: number, total: number) => void;
}

/** `count` images, each resolution × resolution × 3 bytes (HWC, RGB), and a label per image. */
export interface LabelledImages {
  count: number;
  images: Uint8Array;
  labels: Uint8Array;
}

/** The training images, plus those held out for validation (count 0 unless asked for). */
export interface ImageFolder extends LabelledImages {
  classes: string[];
  resolution: number;
  validation: LabelledImages;
}

interface Split {
  train: LabelledFile[];
  validation: LabelledFile[];
}

interface LabelledFile {
  path: string;
  label: number;
}

const imageExtensions = new Set([".png", ".jpg", ".jpeg"]);
/** Labels are bytes, as in the CIFAR batches. */
const maxClasses = 256;

export async function readImageFolder(
  dir: string,
  options: ImageFolderOptions,
): Promise<ImageFolder> {
  const { resolution } = options;
  checkOptions(options);
  const { classes, files } = listImageFolder(dir, options.classSubset);
  const split = splitFiles(files, options);
  const total = split.train.length + split.validation.length;
  const progress = (done: number) => options.onProgress?.(done, total);
  const train = await decodeAll(split.train, resolution, progress);
  const validation = await decodeAll(split.validation, resolution, (done) =>
    progress(split.train.length + done),
  );
  return { classes, resolution, ...train, validation };
}

/**
 * The class folders and their image files, as readImageFolder would read them, without decoding
 * anything: for commands that check a folder before handing it to workers.
 */
export function listImageFolder(
  dir: string,
  classSubset?: ClassSubset,
): { classes: string[]; files: string[][] } {
  const classes = subsetOf(listClasses(dir), classSubset, dir);
  return { classes, files: classes.map((name) => listImages(join(dir, name), name)) };
}

function checkOptions({ resolution, maxPerClass, validationFraction = 0 }: ImageFolderOptions) {
  if (!Number.isSafeInteger(resolution) || resolution <= 0) {
    throw new InputError(`resolution: must be a positive integer (got ${resolution})`);
  }
  if (maxPerClass !== undefined && (!Number.isSafeInteger(maxPerClass) || maxPerClass <= 0)) {
    throw new InputError(`maxPerClass: must be a positive integer (got ${maxPerClass})`);
  }
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new InputError(`validationFraction: must be in [0, 1) (got ${validationFraction})`);
  }
}

function listClasses(dir: string): string[] {
  const classes = visibleEntries(dir)
    .filter((entry) => isKind(dir, entry, "directory"))
    .map((entry) => entry.name)
    .sort();
  if (classes.length === 0) throw new InputError(`${dir}: no class subfolders`);
  return classes;
}

const imagenetClasses = 1000;
const imagenet100Stride = 10;

function subsetOf(classes: string[], subset: ClassSubset | undefined, dir: string): string[] {
  let kept = classes;
  if (subset === "imagenet100") {
    if (classes.length === imagenetClasses) {
      kept = classes.filter((_, i) => i % imagenet100Stride === 0);
    } else if (classes.length !== imagenetClasses / imagenet100Stride) {
      throw new InputError(
        `${dir}: ImageNet-100 takes a folder of the 1000 ImageNet classes or of 100 classes (found ${classes.length})`,
      );
    }
  }
  if (kept.length > maxClasses) {
    throw new InputError(`${dir}: ${kept.length} classes, more than the ${maxClasses} allowed`);
  }
  return kept;
}

function listImages(classDir: string, className: string): string[] {
  const files = visibleEntries(classDir)
    .filter((entry) => imageExtensions.has(extname(entry.name).toLowerCase()))
    .filter((entry) => isKind(classDir, entry, "file"))
    .map((entry) => join(classDir, entry.name))
    .sort();
  if (files.length === 0) {
    throw new InputError(`${classDir}: no PNG or JPEG images for class "${className}"`);
  }
  return files;
}

function visibleEntries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((entry) => !entry.name.startsWith("."));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`${dir}: no such folder`);
    if (code === "ENOTDIR") throw new InputError(`${dir}: not a folder`);
    throw new InputError(`${dir}: cannot list (${code ?? (error as Error).message})`);
  }
}

/** Follows symbolic links: class folders are often links into a shared copy of ImageNet. */
function isKind(dir: string, entry: Dirent, kind: "file" | "directory"): boolean {
  if (!entry.isSymbolicLink()) return kind === "file" ? entry.isFile() : entry.isDirectory();
  const stats = statSync(join(dir, entry.name), { throwIfNoEntry: false });
  return kind === "file" ? stats?.isFile() === true : stats?.isDirectory() === true;
}

/** Per class: a seeded draw of maxPerClass files, then validationFraction of those held out. */
function splitFiles(filesByClass: string[][], options: ImageFolderOptions): Split {
  const { maxPerClass, validationFraction = 0, seed = 0 } = options;
  const rng = xoroshiro128plus(seed);
  const split: Split = { train: [], validation: [] };
  filesByClass.forEach((files, label) => {
    const drawn = shuffleInPlace([...files], rng).slice(0, maxPerClass ?? files.length);
    // Every class keeps at least one training image.
    const held = Math.min(Math.round(drawn.length * validationFraction), drawn.length - 1);
    const byName = (chosen: string[]) => chosen.sort().map((path) => ({ path, label }));
    split.validation.push(...byName(drawn.slice(0, held)));
    split.train.push(...byName(drawn.slice(held)));
  });
  return split;
}

async function decodeAll(
  files: LabelledFile[],
  resolution: number,
  onDecoded: (done: number) => void,
): Promise<LabelledImages> {
  const pixels = resolution * resolution * 3;
  const images = new Uint8Array(files.length * pixels);
  const labels = new Uint8Array(files.length);
  for (let i = 0; i < files.length; i++) {
    const image = decodeImage(await readImage(files[i].path), files[i].path);
    resizeInto(image, resolution, images, i * pixels);
    labels[i] = files[i].label;
    onDecoded(i + 1);
  }
  return { count: files.length, images, labels };
}

async function readImage(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: cannot read (${code ?? (error as Error).message})`);
  }
}

/** RGBA, 8 bits a channel, as both decoders give it (grayscale already spread to R, G, B). */
interface DecodedImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

function decodeImage(bytes: Buffer, path: string): DecodedImage {
  const isPng = bytes.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  if (!isPng && !isJpeg) throw new InputError(`${path}: unreadable image (not a PNG or JPEG)`);
  let image: DecodedImage;
  try {
    image = isPng ? decodePng(bytes) : decodeJpeg(bytes);
  } catch (error) {
    const format = isPng ? "PNG" : "JPEG";
    throw new InputError(`${path}: unreadable ${format} image (${(error as Error).message})`);
  }
  if (image.width === 0 || image.height === 0) throw new InputError(`${path}: empty image`);
  return image;
}

function decodePng(bytes: Buffer): DecodedImage {
  // pngjs expands palette and grayscale to RGBA and scales 16-bit channels to 8 bits.
  const { width, height, data } = PNG.sync.read(bytes);
  return { width, height, rgba: data };
}

function decodeJpeg(bytes: Buffer): DecodedImage {
  // jpeg-js's default tolerant mode lets stray bytes between markers pass; a truncated file
  // still throws.
  const { width, height, data } = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
  return { width, height, rgba: data };
}

/** Which input pixels feed each output pixel along one axis, and how much. */
interface Taps {
  first: Int32Array;
  count: Int32Array;
  /** span weights per output pixel, normalised to sum 1. */
  weights: Float32Array;
  span: number;
}

/**
 * PIL's bilinear filter: a triangle of radius one output pixel (in input pixels: the scale when
 * shrinking, so every input pixel counts and stripes do not alias; 1 when enlarging, which is
 * plain bilinear interpolation). Pixel centres sit at i + 0.5.
 */
function triangleTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const support = Math.max(scale, 1);
  const span = Math.ceil(support) * 2 + 2;
  const taps: Taps = {
    first: new Int32Array(outSize),
    count: new Int32Array(outSize),
    weights: new Float32Array(outSize * span),
    span,
  };
  for (let out = 0; out < outSize; out++) {
    const center = (out + 0.5) * scale;
    // The pixels whose centres lie strictly inside the triangle: |i + 0.5 - center| < support.
    const first = Math.max(0, Math.floor(center - support - 0.5) + 1);
    const last = Math.min(inSize - 1, Math.ceil(center + support - 0.5) - 1);
    let sum = 0;
    for (let i = first; i <= last; i++) {
      const weight = Math.max(0, 1 - Math.abs((i + 0.5 - center) / support));
      taps.weights[out * span + i - first] = weight;
      sum += weight;
    }
    for (let t = 0; t <= last - first; t++) taps.weights[out * span + t] /= sum;
    taps.first[out] = first;
    taps.count[out] = last - first + 1;
  }
  return taps;
}

/** Resizes RGBA to size × size RGB, written into `out` from `offset`: rows first, then columns. */
function resizeInto(image: DecodedImage, size: number, out: Uint8Array, offset: number): void {
  const { width, height, rgba } = image;
  const across = triangleTaps(width, size);
  const down = triangleTaps(height, size);
  const rows = new Float32Array(height * size * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < size; x++) {
      const tapBase = x * across.span;
      const pixelBase = (y * width + across.first[x]) * 4;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let t = 0; t < across.count[x]; t++) {
        const weight = across.weights[tapBase + t];
        r += weight * rgba[pixelBase + t * 4];
        g += weight * rgba[pixelBase + t * 4 + 1];
        b += weight * rgba[pixelBase + t * 4 + 2];
      }
      const at = (y * size + x) * 3;
      rows[at] = r;
      rows[at + 1] = g;
      rows[at + 2] = b;
    }
  }
  for (let y = 0; y < size; y++) {
    const tapBase = y * down.span;
    for (let x = 0; x < size; x++) {
      for (let channel = 0; channel < 3; channel++) {
        let value = 0;
        for (let t = 0; t < down.count[y]; t++) {
          value += down.weights[tapBase + t] * rows[((down.first[y] + t) * size + x) * 3 + channel];
        }
        out[offset + (y * size + x) * 3 + channel] = Math.min(255, Math.max(0, Math.round(value)));
      }
    }
  }
}
