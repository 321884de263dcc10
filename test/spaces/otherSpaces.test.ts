import { describe, expect, it } from "vitest";
import { totalMacs } from "../../src/layers/macs.js";
import { layerParameters } from "../../src/layers/weights.js";
import { fbnet, fbnetBlocks } from "../../src/spaces/fbnet.js";
import { makeDivisible, mobilenetv2 } from "../../src/spaces/mobilenetv2.js";
import { archAt, sampleArchs, spaceInput } from "../../src/spaces/space.js";

describe.each([fbnet, mobilenetv2])("$name architecture strings", (space) => {
  const table = sampleArchs(space, 300, 5);
  it("print then parse gives the architecture back, and parse then print the string, on 300 samples", () => {
    for (let i = 0; i < table.count; i++) {
      const arch = archAt(table, i);
      const text = space.print(arch);
      expect(space.parse(text)).toEqual(arch);
      expect(space.print(space.parse(text))).toBe(text);
    }
  });

  it("every sample lays out as a network ending in its classifier", () => {
    for (const input of space.inputs) {
      const layers = space.layersOf(archAt(table, 0), input, 1);
      expect(layers.at(-1)).toMatchObject({ type: "fc", f: input.classes, h: 1, w: 1 });
      for (const layer of layers) expect(layer.h).toBeGreaterThan(0);
    }
  });
});

const skip = fbnetBlocks.indexOf("skip");
const allSkip = Array.from({ length: 22 }, () => skip);

describe("FBNet, as HW-NAS-Bench writes and builds it", () => {
  it("reads HW-NAS-Bench's arch_str, quoted either way", () => {
    const text = `[${["k3_e1", ...Array(20).fill("skip"), "k5_e6"].map((b) => `'${b}'`).join(", ")}]`;
    expect(fbnet.parse(text)).toEqual([0, ...Array(20).fill(skip), 7]);
    expect(fbnet.print(fbnet.parse(text))).toBe(text);
    expect(fbnet.parse(text.replaceAll("'", '"'))).toEqual(fbnet.parse(text));
  });

  it.each([
    ["['k3_e1']", /1 blocks, FBNet has 22 layers/],
    ["k3_e1, skip", /a list/],
    [`[${Array(22).fill("'k7_e6'").join(", ")}]`, /layer 1 is 'k7_e6', not a quoted block/],
    [`[${Array(22).fill("skip").join(", ")}]`, /layer 1 is skip/],
  ])("rejects %s", (text, message) => {
    expect(() => fbnet.parse(text)).toThrow(message);
  });

  /*
   * ImageNet, all skip: the stem 3×3 s2 (112²·27·16 = 5,419,008), a 1×1 conv wherever a layer
   * changes stride or width: 56²·16·24 = 1,204,224; 28²·24·32 = 602,112; 14²·32·64 = 401,408;
   * 14²·64·112 = 1,404,928; 7²·112·184 = 1,009,792; 7²·184·352 = 3,173,632; header
   * 7²·352·1984 = 34,220,032; classifier 1984·1000 = 1,984,000.
   */
  const imagenet = spaceInput(fbnet, "ImageNet");
  const macs = (arch: number[]) => totalMacs(fbnet.layersOf(arch, imagenet, 1));
  it("all-skip MACs, by hand", () => {
    expect(macs(allSkip)).toBe(
      5_419_008 +
        1_204_224 +
        602_112 +
        401_408 +
        1_404_928 +
        1_009_792 +
        3_173_632 +
        34_220_032 +
        1_984_000,
    );
  });

  it("a k3_e1_g2 first layer: two grouped 1×1 convs of 8→8 per group around a depthwise 3×3", () => {
    // at 112×112 on 16 channels: 2 · (2 · 112²·8·8) + 112²·9·16 = 3,211,264 + 1,806,336
    const arch = [fbnetBlocks.indexOf("k3_e1_g2"), ...allSkip.slice(1)];
    expect(macs(arch) - macs(allSkip)).toBe(5_017_600);
    const layers = fbnet.layersOf(arch, imagenet, 1).filter((l) => l.name.startsWith("cells.0."));
    // 2·(8·8) + 32 (BN) + 9·16 + 32 + 2·(8·8) + 32, and the input added back
    expect(layers.reduce((sum, l) => sum + layerParameters(l), 0)).toBe(496);
    expect(layers.at(-1)?.type).toBe("add");
  });

  it("CIFAR-100 keeps 32×32 through the stem and a 1504-wide header", () => {
    const layers = fbnet.layersOf(allSkip, spaceInput(fbnet, "cifar100"), 1);
    expect(layers[0]).toMatchObject({ h: 32, f: 16 });
    expect(layers.find((l) => l.name === "header.conv")).toMatchObject({ c: 352, f: 1504, h: 4 });
  });
});

describe("Once-for-All MobileNetV2, width 1.3", () => {
  it("widths follow OFA's make_divisible: 40, 24, 32, 56, 104, 128, 248, 416, 1664", () => {
    expect([32, 16, 24, 40, 80, 96, 192, 320, 1280].map((w) => makeDivisible(w * 1.3))).toEqual([
      40, 24, 32, 56, 104, 128, 248, 416, 1664,
    ]);
  });

  const smallest = `{'ks': [${Array(21).fill(3).join(", ")}], 'e': [${Array(21).fill(3).join(", ")}], 'd': [2, 2, 2, 2, 2, 1]}`;
  const layers = mobilenetv2.layersOf(
    mobilenetv2.parse(smallest),
    spaceInput(mobilenetv2, undefined),
    1,
  );

  it("the stem and fixed first block, by hand", () => {
    // 3×3 s2 conv to 40 at 112²: 12,544·27·40; depthwise 3×3 on 40; 1×1 40→24
    const first = layers.filter(
      (l) => l.name.startsWith("first_conv") || l.name.startsWith("blocks.0."),
    );
    expect(totalMacs(first)).toBe(12_544 * 27 * 40 + 12_544 * 9 * 40 + 12_544 * 40 * 24);
  });

  it("keeps d blocks per stage (2 each, and the last stage's one): 12 blocks", () => {
    const blocks = new Set(
      layers.filter((l) => l.name.startsWith("blocks.")).map((l) => l.name.split(".")[1]),
    );
    expect([...blocks]).toEqual(["0", "1", "2", "5", "6", "9", "10", "13", "14", "17", "18", "21"]);
    expect(layers.find((l) => l.name === "blocks.1.inverted_bottleneck.conv")).toMatchObject({
      c: 24,
      f: 72,
    });
    expect(layers.find((l) => l.name === "feature_mix_layer.conv")).toMatchObject({
      c: 416,
      f: 1664,
      h: 7,
    });
  });

  it.each([
    ["{'ks': [3], 'e': [3], 'd': [2]}", /'ks' must list 21 values/],
    [
      smallest.replace("'d': [2, 2, 2, 2, 2, 1]", "'d': [2, 2, 2, 2, 2, 2]"),
      /'d' takes 2\/3\/4 per stage and 1 for the last/,
    ],
    [smallest.replace("'ks': [3,", "'ks': [4,"), /'ks'\[0\] is 4, not one of 3\/5\/7/],
    ["ks=3", /expected \{'ks'/],
  ])("rejects %s", (text, message) => {
    expect(() => mobilenetv2.parse(text)).toThrow(message);
  });

  it("reads the dict as JSON too", () => {
    expect(mobilenetv2.parse(smallest.replaceAll("'", '"'))).toEqual(mobilenetv2.parse(smallest));
  });
});
