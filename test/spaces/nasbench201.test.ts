import { describe, expect, it } from "vitest";
import { totalMacs } from "../../src/layers/macs.js";
import { layerParameters } from "../../src/layers/weights.js";
import { nasbench201, nb201Ops } from "../../src/spaces/nasbench201.js";
import { archAt, enumerateArchs, spaceInput } from "../../src/spaces/space.js";

const cifar10 = spaceInput(nasbench201, "cifar10");
const params = (text: string) =>
  nasbench201
    .layersOf(nasbench201.parse(text), cifar10, 1)
    .reduce((sum, layer) => sum + layerParameters(layer), 0);
const macs = (text: string) => totalMacs(nasbench201.layersOf(nasbench201.parse(text), cifar10, 1));

const allConv3 =
  "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|";
const allSkip =
  "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|";
const mixed =
  "|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|";

/** Every NAS-Bench-201 string, written out from the benchmark's format, not by print. */
function allStrings(): string[] {
  const strings: string[] = [];
  for (const a of nb201Ops)
    for (const b of nb201Ops)
      for (const c of nb201Ops)
        for (const d of nb201Ops)
          for (const e of nb201Ops)
            for (const f of nb201Ops)
              strings.push(`|${a}~0|+|${b}~0|${c}~1|+|${d}~0|${e}~1|${f}~2|`);
  return strings;
}

describe("NAS-Bench-201 architecture strings", () => {
  it("parse then print is the identity on all 15,625 strings, each a different architecture", () => {
    const strings = allStrings();
    expect(strings).toHaveLength(15_625);
    const seen = new Set<string>();
    for (const text of strings) {
      const arch = nasbench201.parse(text);
      expect(nasbench201.print(arch)).toBe(text);
      seen.add(arch.join(","));
    }
    expect(seen.size).toBe(15_625);
  });

  it("enumerates the same 15,625 architectures the strings name", () => {
    const table = enumerateArchs(nasbench201);
    const printed = new Set(
      Array.from({ length: table.count }, (_, i) => nasbench201.print(archAt(table, i))),
    );
    expect(printed).toEqual(new Set(allStrings()));
  });

  it.each([
    ["|nor_conv_3x3~0|+|none~0|skip_connect~1|", /3 nodes/],
    ["|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|", /unknown op "conv"/],
    ["|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", /input 1 should be ~0/],
    ["|none~0|+|none~0|+|none~0|none~1|none~2|", /node 2 should read/],
    ["none~0|+|none~0|none~1|+|none~0|none~1|none~2|", /node 1 should read/],
  ])("rejects %s, saying what is wrong", (text, message) => {
    expect(() => nasbench201.parse(text)).toThrow(message);
  });
});

/*
 * Worked by hand for CIFAR-10 (32×32 input, 10 classes). Convs have no bias, every conv but the
 * reduction shortcut has a BN (2 parameters a channel), the classifier has a bias. A 3×3 conv in
 * a cell costs hw·9·C² MACs, which is the same at every stage (32²·16² = 16²·32² = 8²·64²):
 * 1,024·256·9 = 2,359,296; a 1×1 conv 262,144.
 *
 * Fixed part (no conv in any cell):
 *   stem      3·3·3·16 + 2·16                             =    464 params; 32²·27·16 = 442,368 MACs
 *   reduce 1  9·16·32 + 64 + 9·32·32 + 64 + 16·32         = 14,464;  16²·(9·16·32 + 9·32·32 + 16·32)
 *                                                                     = 256·14,336 = 3,670,016
 *   reduce 2  9·32·64 + 128 + 9·64·64 + 128 + 32·64       = 57,600;  8²·(9·32·64 + 9·64·64 + 32·64)
 *                                                                     = 64·57,344 = 3,670,016
 *   lastact BN 2·64 = 128; classifier 64·10 + 10 = 650 params, 640 MACs
 *   total 73,306 params, 7,783,040 MACs (NAS-Bench-201 reports 0.07 MB and 7.78 MFLOPs minimum)
 */
const fixedParams = 464 + 14_464 + 57_600 + 128 + 650;
const fixedMacs = 442_368 + 3_670_016 + 3_670_016 + 640;

describe("NAS-Bench-201 networks, by hand", () => {
  it("the fixed part alone: all-skip cells hold no parameters and no MACs", () => {
    expect(fixedParams).toBe(73_306);
    expect(params(allSkip)).toBe(73_306);
    expect(macs(allSkip)).toBe(7_783_040);
  });

  it("all-conv3×3: six 3×3 ReLU-conv-BN per cell, 15 cells", () => {
    // per cell 6·(9C² + 2C): C=16 → 6·2,336 = 14,016; C=32 → 6·9,280 = 55,680; C=64 → 6·36,992 = 221,952
    const cells = 5 * (14_016 + 55_680 + 221_952);
    expect(params(allConv3)).toBe(fixedParams + cells);
    expect(params(allConv3)).toBe(1_531_546); // NAS-Bench-201's maximum, 1.53 MB
    expect(macs(allConv3)).toBe(fixedMacs + 15 * 6 * 2_359_296);
    expect(macs(allConv3)).toBe(220_119_680); // its maximum, 220.1 MFLOPs
  });

  it("a mixed cell: two 3×3, one 1×1, a pool, a skip and a none", () => {
    // per cell 2·(9C² + 2C) + (C² + 2C): C=16 → 4,672 + 288 = 4,960; C=32 → 18,560 + 1,088 = 19,648;
    // C=64 → 73,984 + 4,224 = 78,208
    expect(params(mixed)).toBe(fixedParams + 5 * (4_960 + 19_648 + 78_208));
    expect(params(mixed)).toBe(587_386);
    expect(macs(mixed)).toBe(fixedMacs + 15 * (2 * 2_359_296 + 262_144));
    expect(macs(mixed)).toBe(82_494_080);
  });

  it("ImageNet16-120 halves the side (a quarter of the MACs) and has a 120-way classifier", () => {
    const input = spaceInput(nasbench201, "imagenet16-120");
    const layers = nasbench201.layersOf(nasbench201.parse(allConv3), input, 1);
    expect(totalMacs(layers)).toBe((220_119_680 - 640) / 4 + 64 * 120);
    expect(layers.at(-1)).toMatchObject({ type: "fc", c: 64, f: 120 });
  });
});
