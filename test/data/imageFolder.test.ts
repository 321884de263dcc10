import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { type ImageFolder, readImageFolder } from "../../src/data/imageFolder.js";
import { InputError } from "../../src/errors.js";

type Rgba = [number, number, number, number];

/** width × height RGBA pixels from a function of (x, y). */
function pixels(width: number, height: number, colour: (x: number, y: number) => Rgba) {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(colour(x, y), (y * width + x) * 4);
  }
  return { width, height, data };
}

function pngFile(width: number, height: number, colour: (x: number, y: number) => Rgba) {
  const png = new PNG({ width, height });
  png.data = pixels(width, height, colour).data;
  return PNG.sync.write(png);
}

function grayPngFile(width: number, height: number, value: number) {
  const png = new PNG({ width, height });
  png.data = pixels(width, height, () => [value, value, value, 255]).data;
  return PNG.sync.write(png, { colorType: 0 });
}

function jpegFile(width: number, height: number, colour: Rgba) {
  return jpeg.encode(
    pixels(width, height, () => colour),
    95,
  ).data;
}

function folder(files: Record<string, Uint8Array | string>): string {
  const root = mkdtempSync(join(tmpdir(), "uboost-images-"));
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
  return root;
}

const red: Rgba = [255, 0, 0, 255];
const blue: Rgba = [20, 40, 220, 255];

/** Three classes of different sizes, mixed formats and sizes, and files to skip. */
const zoo = folder({
  "cat/a.png": pngFile(8, 6, () => red),
  "cat/b.PNG": pngFile(3, 3, () => [10, 20, 30, 0]),
  "cat/c.jpg": jpegFile(16, 16, blue),
  "cat/notes.txt": "not an image",
  "cat/.DS_Store": "hidden",
  "dog/gray.png": grayPngFile(5, 7, 100),
  "dog/photo.JPEG": jpegFile(20, 10, blue),
  "emu/stripes.png": pngFile(2, 2, (x) => (x === 0 ? [0, 0, 0, 255] : [200, 100, 40, 255])),
  "README.md": "a file beside the classes",
});

function pixelAt(set: ImageFolder, image: number, x: number, y: number) {
  const at = (image * set.resolution * set.resolution + y * set.resolution + x) * 3;
  return [...set.images.subarray(at, at + 3)];
}

function isSolid(set: ImageFolder, image: number, colour: number[], tolerance = 0) {
  const side = set.resolution;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const pixel = pixelAt(set, image, x, y);
      if (pixel.some((value, c) => Math.abs(value - colour[c]) > tolerance)) return false;
    }
  }
  return true;
}

describe("readImageFolder", () => {
  it("labels images by sorted class folder and resizes each to resolution² × 3", async () => {
    const progress: number[] = [];
    const set = await readImageFolder(zoo, {
      resolution: 4,
      onProgress: (done, total) => progress.push(done / total),
    });
    expect(set.classes).toEqual(["cat", "dog", "emu"]);
    expect(set.count).toBe(6);
    expect(set.images.length).toBe(6 * 4 * 4 * 3);
    expect([...set.labels]).toEqual([0, 0, 0, 1, 1, 2]);
    expect(set.validation.count).toBe(0);
    expect(progress.at(-1)).toBe(1);
  });

  it("keeps a solid colour, spreads grayscale to three channels and drops alpha", async () => {
    const set = await readImageFolder(zoo, { resolution: 4 });
    expect(isSolid(set, 0, [255, 0, 0])).toBe(true); // cat/a.png, shrunk
    expect(isSolid(set, 1, [10, 20, 30])).toBe(true); // cat/b.PNG, enlarged, alpha 0
    expect(isSolid(set, 2, blue, 4)).toBe(true); // cat/c.jpg, lossy
    expect(isSolid(set, 3, [100, 100, 100])).toBe(true); // dog/gray.png
  });

  it("interpolates bilinearly between pixel centres when enlarging", async () => {
    const set = await readImageFolder(zoo, { resolution: 4 });
    // 2 → 4: output centres at 0.25, 0.75, 1.25, 1.75 input pixels.
    const mix = (weight: number) => [200, 100, 40].map((value) => Math.round(weight * value));
    expect([0, 1, 2, 3].map((x) => pixelAt(set, 5, x, 2))).toEqual([
      mix(0),
      mix(0.25),
      mix(0.75),
      mix(1),
    ]);
  });

  it("shrinks with PIL's antialiased bilinear filter (a triangle as wide as the scale), by hand", async () => {
    // 5 wide × 4 high → 2 × 2. Red varies along x, green along y, blue is flat, so each axis's
    // filter shows on its own channel.
    const red = [10, 200, 30, 250, 0];
    const green = [0, 70, 0, 70];
    const image = folder({
      "only/a.png": pngFile(5, 4, (x, y) => [red[x], green[y], 77, 255]),
    });
    const set = await readImageFolder(image, { resolution: 2 });
    // Across, scale 2.5: output centres at 1.25 and 3.75 input pixels, support 2.5, pixel centres
    // at i + 0.5, weight 1 − |i + 0.5 − centre| / 2.5: (0.7, 0.9, 0.5, 0.1) on pixels 0–3 and
    // (0.1, 0.5, 0.9, 0.7) on pixels 1–4, each divided by its sum 2.2.
    const left = (0.7 * 10 + 0.9 * 200 + 0.5 * 30 + 0.1 * 250) / 2.2; // 103.18
    const right = (0.1 * 200 + 0.5 * 30 + 0.9 * 250 + 0.7 * 0) / 2.2; // 118.18
    // Down, scale 2: centres at 1 and 3, support 2: (0.75, 0.75, 0.25) on rows 0–2 and
    // (0.25, 0.75, 0.75) on rows 1–3, over 1.75.
    const top = (0.75 * 0 + 0.75 * 70 + 0.25 * 0) / 1.75; // 30
    const bottom = (0.25 * 70 + 0.75 * 0 + 0.75 * 70) / 1.75; // 40
    const expected = (x: number, y: number) =>
      [[left, right][x], [top, bottom][y], 77].map(Math.round);
    for (const [x, y] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ]) {
      expect(pixelAt(set, 0, x, y), `pixel ${x},${y}`).toEqual(expected(x, y));
    }
    expect(expected(1, 1)).toEqual([118, 40, 77]);
  });

  it("draws maxPerClass and a validation share per class, the same for the same seed", async () => {
    const options = { resolution: 2, maxPerClass: 2, validationFraction: 0.5, seed: 7 };
    const set = await readImageFolder(zoo, options);
    expect([...set.labels]).toEqual([0, 1, 2]);
    expect([...set.validation.labels]).toEqual([0, 1]);
    expect(set.validation.images.length).toBe(2 * 2 * 2 * 3);
    const again = await readImageFolder(zoo, options);
    expect(again.images).toEqual(set.images);
    expect(again.validation.images).toEqual(set.validation.images);
  });

  it("names the folder or file in one-line errors", async () => {
    const fails = (dir: string) => expect(readImageFolder(dir, { resolution: 4 })).rejects;
    const missing = join(zoo, "nowhere");
    await fails(missing).toThrow(new InputError(`${missing}: no such folder`));
    const flat = folder({ "a.png": pngFile(2, 2, () => red) });
    await fails(flat).toThrow(new InputError(`${flat}: no class subfolders`));
    const empty = folder({ "cat/a.png": pngFile(2, 2, () => red), "dog/readme.txt": "" });
    await fails(empty).toThrow(
      new InputError(`${join(empty, "dog")}: no PNG or JPEG images for class "dog"`),
    );
    const garbage = folder({ "cat/a.png": "not a png at all" });
    await fails(garbage).toThrow(
      new InputError(`${join(garbage, "cat/a.png")}: unreadable image (not a PNG or JPEG)`),
    );
    const truncated = folder({ "cat/a.jpg": jpegFile(16, 16, blue).subarray(0, 300) });
    await fails(truncated).toThrow(`${join(truncated, "cat/a.jpg")}: unreadable JPEG image (`);
    const brokenPng = folder({ "cat/a.png": pngFile(16, 16, () => red).subarray(0, 60) });
    await fails(brokenPng).toThrow(`${join(brokenPng, "cat/a.png")}: unreadable PNG image (`);
    await expect(readImageFolder(zoo, { resolution: 0 })).rejects.toThrow(InputError);
  });

  it("ImageNet-100: classes 0, 10, …, 990 of ImageNet's sorted 1000, or a 100-class folder whole", async () => {
    const classes = (count: number) => {
      const files: Record<string, Uint8Array> = {};
      const dot = pngFile(1, 1, () => red);
      // zero-padded names sort like ImageNet's wnids; the label is the name's rank
      for (let i = 0; i < count; i++) files[`n${String(i).padStart(4, "0")}/a.png`] = dot;
      return folder(files);
    };
    const full = await readImageFolder(classes(1000), {
      resolution: 1,
      classSubset: "imagenet100",
    });
    expect(full.classes.length).toBe(100);
    expect(full.classes.slice(0, 3)).toEqual(["n0000", "n0010", "n0020"]);
    expect(full.classes.at(-1)).toBe("n0990");
    expect([...full.labels]).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const hundred = await readImageFolder(classes(100), {
      resolution: 1,
      classSubset: "imagenet100",
    });
    expect(hundred.classes.length).toBe(100);
    expect(hundred.classes.at(-1)).toBe("n0099");
    const odd = classes(30);
    await expect(
      readImageFolder(odd, { resolution: 1, classSubset: "imagenet100" }),
    ).rejects.toThrow(
      new InputError(
        `${odd}: ImageNet-100 takes a folder of the 1000 ImageNet classes or of 100 classes (found 30)`,
      ),
    );
  });
});
