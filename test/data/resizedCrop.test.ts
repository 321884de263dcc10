import fc from "fast-check";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import { resizedCropBox, sampleCrop } from "../../src/data/resizedCrop.js";

describe("random-resized crop", () => {
  it("draws boxes inside the image with 8–100% of its area (± rounding) and a 3:4–4:3 shape", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 4, max: 160 }),
        (seed, side) => {
          const box = resizedCropBox(xoroshiro128plus(seed), side);
          expect(box.top).toBeGreaterThanOrEqual(0);
          expect(box.left).toBeGreaterThanOrEqual(0);
          expect(box.top + box.height).toBeLessThanOrEqual(side);
          expect(box.left + box.width).toBeLessThanOrEqual(side);
          if (box.height === side && box.width === side) return; // the fallback, or a full draw
          // width and height are each rounded, so the area and ratio hold to half a pixel a side
          const area = (box.width + 1) * (box.height + 1);
          expect(area).toBeGreaterThanOrEqual(0.08 * side * side);
          expect((box.width - 0.5) / (box.height + 0.5)).toBeLessThanOrEqual(4 / 3);
          expect((box.width + 0.5) / (box.height - 0.5)).toBeGreaterThanOrEqual(3 / 4);
        },
      ),
    );
  });

  it("is a function of the seed", () => {
    const boxes = (seed: number) =>
      [0, 1, 2].map(() => resizedCropBox(xoroshiro128plus(seed), 128));
    expect(boxes(3)).toEqual(boxes(3));
    expect(resizedCropBox(xoroshiro128plus(3), 128)).not.toEqual(
      resizedCropBox(xoroshiro128plus(4), 128),
    );
  });

  it("samples the whole-image box as the image itself, and a half box as a 2× enlargement", () => {
    // 4 × 4 image, one channel repeated: value = 10·row + column
    const side = 4;
    const image = new Uint8Array(side * side * 3);
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++)
        image.fill(10 * y + x, (y * side + x) * 3, (y * side + x) * 3 + 3);
    const whole = { top: 0, left: 0, height: side, width: side };
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++)
        expect(sampleCrop(image, 0, side, whole, y, x, 1) * 255).toBeCloseTo(10 * y + x, 9);
    // box rows 0–1, columns 2–3: output centres sit at −0.25, 0.25, 0.75, 1.25 box pixels,
    // the first and last clamped to the box's edge (crop first, then resize)
    const half = { top: 0, left: 2, height: 2, width: 2 };
    const row0 = [0, 1, 2, 3].map((x) => sampleCrop(image, 0, side, half, 0, x, 0) * 255);
    expect(row0.map((v) => Number(v.toFixed(9)))).toEqual([2, 2.25, 2.75, 3]);
    const column = [0, 1, 2, 3].map((y) => sampleCrop(image, 0, side, half, y, 0, 0) * 255);
    expect(column.map((v) => Number(v.toFixed(9)))).toEqual([2, 4.5, 9.5, 12]);
  });
});
