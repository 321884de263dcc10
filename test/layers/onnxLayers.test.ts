import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { networkTotal } from "../../src/engine/network.js";
import { InputError } from "../../src/errors.js";
import { costModelByName, modelContext } from "../../src/hw/models/index.js";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import { EngineKind, engineKindOf, type Layer } from "../../src/layers/layer.js";
import { macsOf, totalMacs } from "../../src/layers/macs.js";
import { readOnnxNetwork } from "../../src/layers/onnxLayers.js";
import { encodeModel, floatTensor, type NodeProto } from "../../src/onnx/proto.js";
import { projectRoot } from "../../src/projectRoot.js";
import { zooNetwork } from "../../src/zoo/index.js";
import { runCli } from "../cli/runCli.js";

// Written by PyTorch, not by us: ../shared/data/onnx (README there) and test/fixtures/onnx
// (make_fixtures.py: torchvision ResNets with the weight data removed, dims kept).
const shared = join(projectRoot(), "..", "shared", "data", "onnx");
const fixtures = join(projectRoot(), "test", "fixtures", "onnx");
const mixed = join(shared, "mixed_cnn_32.onnx");
const dynamicBatch = join(shared, "mixed_cnn_32_dynamic_batch.onnx");

const onArray = (layer: Layer) => engineKindOf[layer.type] !== EngineKind.free;

describe("ONNX import: mixed_cnn_32 (one layer of each kind)", () => {
  it("maps every conv, depthwise, dilated and fc layer to the MACs its README gives", () => {
    const { layers, unsupported } = readOnnxNetwork(mixed, {});
    const costed = layers.filter(onArray);
    expect(costed.map((l) => [l.type, l.k1, l.c, l.f, l.h, l.stride, l.dilation])).toEqual([
      ["conv", 3, 3, 32, 32, 1, 1],
      ["dwconv", 3, 32, 32, 32, 1, 1],
      ["conv", 1, 32, 48, 32, 1, 1],
      ["dilconv", 3, 48, 48, 32, 1, 2],
      ["conv", 5, 48, 48, 16, 2, 1],
      ["conv", 1, 48, 16, 16, 1, 1],
      ["fc", 1, 64, 40, 1, 1, 1],
      ["fc", 1, 40, 10, 1, 1, 1],
    ]);
    expect(costed.map(macsOf)).toEqual([
      884_736, 294_912, 1_572_864, 21_233_664, 14_745_600, 196_608, 2_560, 400,
    ]);
    expect(totalMacs(layers)).toBe(38_931_344);
    expect(unsupported).toEqual({});
    // The free ops keep their place: two 2×2 pools to 8×8, their concat (64 channels), the global
    // pool, the residual add, the activations (ReLU, ReLU6 as Clip, sigmoid).
    const free = layers.filter((l) => !onArray(l)).map((l) => `${l.type} ${l.c} ${l.h}`);
    expect(free).toEqual([
      "relu 32 32",
      "relu 32 32",
      "relu 48 32",
      "add 48 32",
      "pool 48 8",
      "pool 16 8",
      "identity 64 8",
      "pool 64 1",
      "identity 64 1",
      "relu 40 1",
    ]);
  });

  it("takes N from the file, --batch over it, and dynamic dims only from --input-shape", () => {
    expect(() => readOnnxNetwork(dynamicBatch, {})).toThrow(/dynamic dimension 0 \("batch"\)/);
    const perImage = totalMacs(readOnnxNetwork(mixed, {}).layers);
    expect(totalMacs(readOnnxNetwork(dynamicBatch, { batch: 4 }).layers)).toBe(4 * perImage);
    const given = readOnnxNetwork(dynamicBatch, { inputShape: [3, 3, 32, 32] }).layers;
    expect(totalMacs(given)).toBe(3 * perImage);
    expect(given.every((l) => l.batch === 3)).toBe(true);
    // Twice the resolution: every conv has 4× the output pixels; the fcs after the global pool
    // stay as they are.
    const big = readOnnxNetwork(dynamicBatch, { inputShape: [1, 3, 64, 64] }).layers;
    const fcMacs = 2_560 + 400;
    expect(totalMacs(big)).toBe(4 * (perImage - fcMacs) + fcMacs);
    expect(() => readOnnxNetwork(mixed, { inputShape: [1, 3, 32] })).toThrow(
      /has 4 dims, --input-shape gives 3/,
    );
  });
});

describe("ONNX import: torchvision networks exported by PyTorch match the zoo", () => {
  const array = { ...defaultSimConfig, arrayRows: 128, arrayCols: 128 };
  const cost = (layers: Layer[]) => {
    const estimates = costModelByName("systolic").estimate(layers, array, modelContext());
    return networkTotal(estimates, { rows: 128, cols: 128 }, array.clockHz);
  };
  const signature = (l: Layer) =>
    [l.type, l.k1, l.k2, l.c, l.f, l.h, l.w, l.stride, l.dilation, l.batch].join(" ");
  const cases = [
    { zoo: "resnet18", file: join(fixtures, "resnet18-graph.onnx"), macs: 1_814_073_344 },
    { zoo: "resnet50", file: join(fixtures, "resnet50-graph.onnx"), macs: 4_089_184_256 },
    { zoo: "mobilenetv2", file: join(shared, "mobilenet_v2.onnx"), macs: 300_774_272 },
  ];
  for (const { zoo, file, macs } of cases) {
    it(`${zoo}: the same array layers, MACs and cycles on 128×128`, () => {
      const { layers, unsupported } = readOnnxNetwork(file, {});
      const reference = zooNetwork(zoo, 1);
      expect(unsupported).toEqual({});
      // The exporter orders a block's shortcut conv differently; the set of layers is the same.
      expect(layers.filter(onArray).map(signature).sort()).toEqual(
        reference.filter(onArray).map(signature).sort(),
      );
      expect(totalMacs(layers)).toBe(macs);
      const imported = cost(layers);
      const expected = cost(reference);
      expect(Math.abs(imported.cycles / expected.cycles - 1)).toBeLessThan(0.01);
      expect(imported.cycles).toBe(expected.cycles);
    });
  }
});

/** A one-input model written by our own encoder, for cases no exporter writes on purpose. */
function writeModel(
  nodes: NodeProto[],
  initializers: ReturnType<typeof floatTensor>[],
  extra = {},
) {
  const dir = mkdtempSync(join(tmpdir(), "uboost-onnx-"));
  const path = join(dir, "model.onnx");
  const info = (name: string, dims: number[]) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
  });
  const bytes = encodeModel({
    irVersion: 7,
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: "g",
      node: nodes,
      initializer: initializers,
      input: [info("x", [1, 8, 6, 6])],
      output: [info("y", [1, 8, 6, 6])],
      ...extra,
    },
  });
  writeFileSync(path, bytes);
  return path;
}

describe("ONNX import: ops exporters write less often", () => {
  it("a grouped conv (groups 2, not depthwise) is one conv per group", () => {
    const weight = floatTensor("w", [8, 4, 3, 3], new Float32Array(8 * 4 * 9));
    const conv = {
      name: "grouped",
      opType: "Conv",
      input: ["x", "w"],
      output: ["y"],
      attribute: [
        { name: "group", type: 2, i: 2 },
        { name: "pads", type: 7, ints: [1, 1, 1, 1] },
      ],
    };
    const { layers } = readOnnxNetwork(writeModel([conv], [weight]), {});
    expect(layers.map((l) => [l.name, l.type, l.c, l.f, l.h])).toEqual([
      ["grouped.group0", "conv", 4, 4, 6],
      ["grouped.group1", "conv", 4, 4, 6],
    ]);
    // 6·6 pixels × 3·3 taps × 4 inputs × 8 outputs, as the grouped conv itself computes
    expect(totalMacs(layers)).toBe(36 * 9 * 4 * 8);
  });

  it("an op without a shape rule is counted, costed as zero and takes its declared shape", () => {
    const weight = floatTensor("w", [8, 8, 1, 1], new Float32Array(64));
    const nodes = [
      {
        name: "mystery",
        opType: "SpaceToDepthish",
        domain: "example",
        input: ["x"],
        output: ["m"],
      },
      {
        name: "mystery2",
        opType: "SpaceToDepthish",
        domain: "example",
        input: ["m"],
        output: ["n"],
      },
      { name: "pw", opType: "Conv", input: ["n", "w"], output: ["y"] },
    ];
    const m = {
      name: "n",
      type: {
        tensorType: { elemType: 1, shape: { dim: [1, 8, 3, 3].map((d) => ({ dimValue: d })) } },
      },
    };
    const path = writeModel(nodes, [weight], { valueInfo: [m] });
    const { layers, unsupported } = readOnnxNetwork(path, {});
    expect(unsupported).toEqual({ SpaceToDepthish: 2 });
    // "m" has no declared shape (its input's is taken), "n" has one: the conv runs at 3×3
    expect(layers.map((l) => [l.name, l.h])).toEqual([["pw", 3]]);
  });

  it("malformed files are one InputError naming the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "uboost-onnx-"));
    const truncated = join(dir, "truncated.onnx");
    writeFileSync(truncated, readFileSync(mixed).subarray(0, 100_000));
    expect(() => readOnnxNetwork(truncated, {})).toThrow(InputError);
    expect(() => readOnnxNetwork(truncated, {})).toThrow(/truncated\.onnx: not a readable ONNX/);
    const text = join(dir, "notes.onnx");
    writeFileSync(text, "name,type,k1\na,conv,3\n");
    expect(() => readOnnxNetwork(text, {})).toThrow(/notes\.onnx: not (a readable|an) ONNX model/);
    expect(() => readOnnxNetwork(join(fixtures, "no_conv.onnx"), {})).toThrow(
      /no_conv\.onnx: no Conv, Gemm or MatMul with a constant weight/,
    );
  });
});

describe("uboost cost/simulate/sweep --net FILE.onnx", () => {
  it("cost marks unsupported ops in the table and the JSON", () => {
    const upsample = join(fixtures, "upsample.onnx");
    const json = runCli(["cost", "--net", upsample, "--array", "8x8", "--json"]);
    expect(json.status).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out.unsupported).toEqual({ Resize: 1 });
    // conv 3→8 at 8×8, then (after the 2× Resize) conv 8→4 at 16×16
    expect(out.layers.map((l: { macs: number }) => l.macs)).toEqual([64 * 27 * 8, 256 * 72 * 4]);
    const table = runCli(["cost", "--net", upsample]);
    expect(table.stdout).toMatch(/unsupported ops, costed as zero: Resize ×1/);
  });

  it("bad files and dynamic dims without --input-shape: one line, exit 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "uboost-onnx-"));
    const truncated = join(dir, "cut.onnx");
    writeFileSync(truncated, readFileSync(mixed).subarray(0, 5_000));
    for (const args of [
      ["cost", "--net", truncated],
      ["cost", "--net", join(fixtures, "no_conv.onnx")],
      ["simulate", "--net", dynamicBatch],
      ["cost", "--net", mixed, "--input-shape", "1x3x0x32"],
    ]) {
      const { status, stderr, stdout } = runCli(args);
      expect(status).toBe(2);
      expect(stdout).toBe("");
      expect(stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("simulate and sweep take the model too (sweep rows at their own batch)", () => {
    const simulated = runCli(["simulate", "--net", dynamicBatch, "--batch", "2", "--json"]);
    expect(simulated.status).toBe(0);
    const sim = JSON.parse(simulated.stdout);
    expect(sim.total.macs).toBe(2 * 38_931_344);
    expect(sim.unsupported).toEqual({});
    const dir = mkdtempSync(join(tmpdir(), "uboost-onnx-"));
    const rows = join(dir, "rows.csv");
    const swept = runCli([
      "sweep",
      "--nets",
      `${dynamicBatch},${mixed}`,
      "--input-shape",
      "1x3x32x32",
      "--arrays",
      "16x16",
      "--batches",
      "1,3",
      "--workers",
      "1",
      "--out",
      rows,
    ]);
    expect(swept.status).toBe(0);
    const lines = readFileSync(rows, "utf8").trim().split("\n");
    const head = lines[0].split(",");
    const macs = lines.slice(1).map((line) => Number(line.split(",")[head.indexOf("macs")]));
    expect(macs).toEqual([1, 3, 1, 3].map((b) => b * 38_931_344));
    const upsample = join(fixtures, "upsample.onnx");
    const noted = runCli(["sweep", "--nets", upsample, "--arrays", "8x8", "--workers", "1"]);
    expect(noted.status).toBe(0);
    expect(noted.stderr).toContain(`note: ${upsample}: unsupported ops, costed as zero: Resize ×1`);
  });
});
