import fc from "fast-check";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import { nasbench201 } from "../../src/spaces/nasbench201.js";
import {
  archAt,
  mutateArch,
  oneHotFeatures,
  sampleArchs,
  spaceInput,
  spaceSize,
} from "../../src/spaces/space.js";

describe("operations shared by every space", () => {
  it("samples are seeded and every choice is one of its decision's options", () => {
    const a = sampleArchs(nasbench201, 50, 3);
    expect(sampleArchs(nasbench201, 50, 3).choices).toEqual(a.choices);
    expect(sampleArchs(nasbench201, 50, 4).choices).not.toEqual(a.choices);
    for (const choice of a.choices) expect(choice).toBeGreaterThanOrEqual(0);
    for (const choice of a.choices) expect(choice).toBeLessThan(5);
  });

  it("a mutation changes exactly one decision, to another of its options", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 6, maxLength: 6 }),
        fc.integer(),
        (arch, seed) => {
          const child = mutateArch(nasbench201, arch, xoroshiro128plus(seed));
          const changed = child.flatMap((op, e) => (op !== arch[e] ? [e] : []));
          expect(changed).toHaveLength(1);
          expect(child[changed[0]]).toBeGreaterThanOrEqual(0);
          expect(child[changed[0]]).toBeLessThan(5);
        },
      ),
    );
  });

  it("one-hot features hold a single 1 per decision", () => {
    const table = sampleArchs(nasbench201, 5, 1);
    const rows = oneHotFeatures(nasbench201, table);
    rows.forEach((row, i) => {
      expect(row).toHaveLength(30);
      archAt(table, i).forEach((op, e) => {
        expect(Array.from(row.subarray(e * 5, e * 5 + 5))).toEqual(
          [0, 1, 2, 3, 4].map((o) => (o === op ? 1 : 0)),
        );
      });
    });
  });

  it("names datasets case-insensitively and lists the known ones otherwise", () => {
    expect(spaceInput(nasbench201, undefined).name).toBe("cifar10");
    expect(spaceInput(nasbench201, "imagenet16-120")).toEqual({
      name: "ImageNet16-120",
      resolution: 16,
      classes: 120,
    });
    expect(() => spaceInput(nasbench201, "imagenet")).toThrow(
      /known: cifar10, cifar100, ImageNet16-120/,
    );
    expect(spaceSize(nasbench201)).toBe(15_625);
  });
});
