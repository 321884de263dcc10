import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import type { Layer } from "../../src/layers/layer.js";
import { macsOf } from "../../src/layers/macs.js";
import { zoo, zooNames, zooNetwork } from "../../src/zoo/index.js";

/** Weights only (no biases, no BN), so published totals come out slightly higher. */
function paramsOf(layer: Layer): number {
  switch (layer.type) {
    case "conv":
    case "dilconv":
      return layer.k1 * layer.k2 * layer.c * layer.f;
    case "dwconv":
      return layer.k1 * layer.k2 * layer.c;
    case "fc":
      return layer.c * layer.f;
    default:
      return 0;
  }
}

const sum = (layers: Layer[], f: (l: Layer) => number) => layers.reduce((a, l) => a + f(l), 0);

// Published MACs ("GFLOPS" in torchvision's model table, which counts multiply-adds) and
// parameter counts: torchvision.models docs (ResNet-18 1.81 G / 11.69 M, ResNet-50 4.09 G /
// 25.56 M, VGG-16 15.47 G / 138.36 M); MobileNetV2 300 M MACs / 3.4–3.5 M params from Sandler
// et al. 2018, Table 4, and torchvision (3.50 M).
const published: Record<string, { macs: number; params: number }> = {
  resnet18: { macs: 1.814e9, params: 11.69e6 },
  resnet50: { macs: 4.089e9, params: 25.56e6 },
  vgg16: { macs: 15.47e9, params: 138.36e6 },
  mobilenetv2: { macs: 0.3e9, params: 3.5e6 },
};

describe("model zoo", () => {
  it("lists exactly the published networks", () => {
    expect(zooNames().sort()).toEqual(Object.keys(published).sort());
  });

  for (const name of Object.keys(published)) {
    describe(name, () => {
      const layers = zoo[name](1);

      it("total MACs within 3% of the published figure", () => {
        const macs = sum(layers, macsOf);
        expect(Math.abs(macs / published[name].macs - 1)).toBeLessThan(0.03);
      });

      it("weight count within 3% of the published figure", () => {
        const params = sum(layers, paramsOf);
        expect(Math.abs(params / published[name].params - 1)).toBeLessThan(0.03);
      });

      it("scales MACs linearly with batch", () => {
        const four = zooNetwork(name, 4);
        expect(four.every((l) => l.batch === 4)).toBe(true);
        expect(sum(four, macsOf)).toBe(4 * sum(layers, macsOf));
      });

      it("ends in a 1000-way fc layer", () => {
        const last = layers[layers.length - 1];
        expect(last.type).toBe("fc");
        expect(last.f).toBe(1000);
      });

      it("has positive integer shapes and unique names", () => {
        for (const l of layers) {
          for (const v of [l.h, l.w, l.c, l.f, l.k1, l.k2, l.stride]) {
            expect(Number.isInteger(v) && v > 0, `${l.name}: ${v}`).toBe(true);
          }
        }
        expect(new Set(layers.map((l) => l.name)).size).toBe(layers.length);
      });
    });
  }

  it("computes output sizes the torchvision way", () => {
    const r50 = zooNetwork("resnet50", 1);
    const at = (n: string) => r50.find((l) => l.name === n);
    expect(at("conv1")).toMatchObject({ h: 112, w: 112, c: 3, f: 64, k1: 7, stride: 2 });
    expect(at("maxpool")).toMatchObject({ h: 56, f: 64 });
    expect(at("layer2.0.conv2")).toMatchObject({ h: 28, c: 128, f: 128, stride: 2 });
    expect(at("layer2.0.downsample")).toMatchObject({ h: 28, c: 256, f: 512, k1: 1, stride: 2 });
    expect(at("layer4.2.add")).toMatchObject({ h: 7, c: 2048, f: 2048 });
    expect(at("fc")).toMatchObject({ c: 2048, f: 1000 });
    const vgg = zooNetwork("vgg16", 1);
    expect(vgg.find((l) => l.name === "classifier.0")).toMatchObject({ c: 25088, f: 4096 });
    const mb = zooNetwork("mobilenetv2", 1);
    const dw = mb.find((l) => l.name === "features.2.dw");
    expect(dw).toMatchObject({ type: "dwconv", h: 56, c: 96, f: 96, stride: 2 });
  });

  it("rejects an unknown name with an InputError naming it", () => {
    expect(() => zooNetwork("nope", 1)).toThrow(InputError);
    expect(() => zooNetwork("nope", 1)).toThrow(/"nope"/);
    expect(() => zooNetwork("toString", 1)).toThrow(InputError);
  });
});
