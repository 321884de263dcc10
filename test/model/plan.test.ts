import { describe, expect, it } from "vitest";
import { totalMacs } from "../../src/layers/macs.js";
import { channelLayout, microLayout } from "../../src/model/layout.js";
import { convLayers, planLayers, planNetwork } from "../../src/model/plan.js";
import { uboostSpace } from "../../src/model/space.js";
import { deriveChannels, deriveEdgeOps, outputIsDead } from "../../src/search/derive.js";

const shape = {
  layout: microLayout,
  resolution: 32,
  inChannels: 3,
  stemChannels: 16,
  classes: 10,
};
const allConv = uboostSpace.edges.map(() => "conv3x3");

describe("network plan (the reference's macro-architecture)", () => {
  it("micro stage: stem at 32 pooled to 16, cells at 16, 8, 4, strided x_pp after a pool", () => {
    const plan = planNetwork(uboostSpace, shape, allConv);
    expect(plan.stem).toMatchObject({ k: 3, size: 32, input: ["input"] });
    expect(plan.cells.map((cell) => cell.size)).toEqual([16, 8, 4]);
    expect(plan.cells.map((cell) => cell.poolAfter)).toEqual([true, true, true]);
    expect(plan.cells.map((cell) => cell.reducePrevious)).toEqual([false, true, true]);
    expect(plan.cells[1].layers[1]).toMatchObject({
      name: "cell1.pre_pp",
      stride: 2,
      input: ["stem"],
      size: 8,
    });
    // pre_p, pre_pp and one conv per edge
    expect(plan.cells[0].layers).toHaveLength(2 + 9);
    expect(plan.headSize).toBe(2);
  });

  it("channel stage and final network: 9 cells at 16, 8, 8, 8, 4, 4, 4, 2, 2", () => {
    const plan = planNetwork(uboostSpace, { ...shape, layout: channelLayout }, allConv);
    expect(plan.cells.map((cell) => cell.size)).toEqual([16, 8, 8, 8, 4, 4, 4, 2, 2]);
    // x_pp is at twice x_p's resolution right after each pool: cells 1, 4 and 7
    expect(plan.cells.map((cell) => cell.reducePrevious)).toEqual([
      false,
      true,
      false,
      false,
      true,
      false,
      false,
      true,
      false,
    ]);
    expect(plan.cells[4].layers[1]).toMatchObject({
      stride: 2,
      input: plan.cells[2].nodeWidths.t3,
    });
    expect(plan.headSize).toBe(2);
  });

  it("in the supernet every edge carries every weighted op", () => {
    const plan = planNetwork(uboostSpace, shape);
    // 6 weighted ops (conv, dws, dilated × 3×3, 5×5) on 9 edges
    expect(plan.cells[0].layers).toHaveLength(2 + 9 * 6);
    expect(plan.cells[0].nodeWidths.t1).toContain("cell0.pre_p");
  });

  it("concrete layers: stem + pool, cells + pools, flatten + linear; MACs counted by hand", () => {
    const plan = planNetwork(uboostSpace, shape, allConv);
    // the stem's width is the plan's (16), never a searched slot
    expect(convLayers(plan).some((layer) => layer.slot === "stem")).toBe(false);
    const channels = Object.fromEntries(convLayers(plan).map((layer) => [layer.slot, 16]));
    const layers = planLayers(plan, channels, 1);
    expect(layers.slice(0, 2).map((layer) => [layer.name, layer.type, layer.h])).toEqual([
      ["stem", "conv", 32],
      ["stem.pool", "pool", 16],
    ]);
    expect(layers.filter((layer) => layer.type === "pool").map((layer) => layer.h)).toEqual([
      16, 8, 4, 2,
    ]);
    const macs = totalMacs(layers);
    // stem 32²·9·3·16; per cell 11 convs of 9·16·16 at size²; classifier 2·2·16 → 10
    const expected =
      32 * 32 * 9 * 3 * 16 + 11 * 9 * 16 * 16 * (16 * 16 + 8 * 8 + 4 * 4) + 2 * 2 * 16 * 10;
    expect(macs).toBe(expected);
    expect(layers.at(-1)).toMatchObject({ name: "classifier", type: "fc", c: 64, f: 10 });
  });

  it("nodes summing edges of different widths get 1×1 equalizing convs", () => {
    const plan = planNetwork(uboostSpace, { ...shape, layout: [false] }, allConv);
    const channels = Object.fromEntries(convLayers(plan).map((layer) => [layer.slot, 16]));
    channels["cell0.edge0"] = 24; // x_p → t1 wider than x_pp → t1 (16)
    const layers = planLayers(plan, channels, 1);
    const eq = layers.filter((layer) => layer.name.includes(".eq_"));
    expect(eq).toEqual([
      expect.objectContaining({ name: "cell0.t1.eq_edge3", k1: 1, c: 16, f: 24, h: 16 }),
    ]);
  });

  it("the pool after a cell takes the width of the space's output node, whatever the node names", () => {
    // "2" is an integer-like name, which JavaScript lists before "wide" among an object's keys
    const space = {
      ...uboostSpace,
      nodes: ["wide", "2"],
      edges: [
        ["x_p", "wide"],
        ["x_pp", "2"],
        ["wide", "2"],
      ] as [string, string][],
    };
    const plan = planNetwork(space, { ...shape, layout: [true] }, [
      "conv3x3",
      "conv3x3",
      "conv3x3",
    ]);
    const channels = {
      stem: 16,
      "cell0.pre_p": 16,
      "cell0.pre_pp": 16,
      "cell0.edge0": 24,
      "cell0.edge1": 8,
      "cell0.edge2": 8,
    };
    const layers = planLayers(plan, channels, 1);
    expect(layers.find((layer) => layer.name === "cell0.pool")).toMatchObject({ c: 8, f: 8 });
    // the classifier flattens the 8 × 8 pooled output of the 8-wide node "2"
    expect(layers.at(-1)).toMatchObject({ type: "fc", c: 8 * 8 * 8 });
  });

  it("refuses a layout whose pools leave an odd side or go below 1 px", () => {
    expect(() => planNetwork(uboostSpace, { ...shape, resolution: 24 }, allConv)).toThrow(
      "layout: the 2×2 max-pool after cell 3 gets 3 px, which 2 does not divide (input 24 px)",
    );
    expect(() =>
      planNetwork(uboostSpace, { ...shape, resolution: 8, layout: [true, true, true] }, allConv),
    ).toThrow("layout: the 2×2 max-pool after cell 3 would take 1 px below 1 px (input 8 px)");
  });
});

describe("pruning a derived cell", () => {
  it("drops nodes and pre layers the output never reads", () => {
    // t1 and t2 have inputs but feed nothing that reaches t3 = conv5x5(x_pp); x_p goes unread
    const ops = ["conv3x3", "conv3x3", "zero", "zero", "zero", "conv5x5", "zero", "zero", "zero"];
    const cell = planNetwork(uboostSpace, shape, ops).cells[0];
    expect(cell.layers.map((layer) => layer.name)).toEqual(["cell0.pre_pp", "cell0.edge5"]);
    expect(cell.nodeInputs.t1).toEqual([]);
    expect(cell.nodeWidths.t3).toEqual(["cell0.edge5"]);
  });
});

describe("deriving the discrete architecture", () => {
  const names = Object.keys(uboostSpace.ops);
  const onehot = (name: string) => names.map((n) => (n === name ? 0.9 : 0.1 / (names.length - 1)));

  it("takes each edge's most likely op", () => {
    const ops = [
      "conv5x5",
      "dws3x3",
      "zero",
      "identity",
      "dil3x3",
      "zero",
      "conv3x3",
      "zero",
      "dil5x5",
    ];
    expect(deriveEdgeOps(uboostSpace, ops.map(onehot))).toEqual(ops);
  });

  it("keeps the output alive when every edge into it would be zero", () => {
    const probs = uboostSpace.edges.map(() => onehot("zero"));
    probs[7] = names.map((n) => (n === "zero" ? 0.5 : n === "conv5x5" ? 0.4 : 0.1 / 6));
    probs[5] = names.map((n) => (n === "zero" ? 0.6 : n === "dws3x3" ? 0.3 : 0.1 / 6));
    const ops = deriveEdgeOps(uboostSpace, probs);
    expect(outputIsDead(uboostSpace, ops)).toBe(false);
    // edge 7 (t1 → t3) has the likelier non-zero op, but t1 is dead, so the rescue takes
    // edge 5 (x_pp → t3), which starts at a cell input
    expect(ops[5]).toBe("dws3x3");
    expect(ops.filter((op) => op !== "zero")).toEqual(["dws3x3"]);
  });

  it("channel counts: the most likely option per slot", () => {
    expect(
      deriveChannels(
        ["a", "b"],
        [
          [0.1, 0.7, 0.2],
          [0.5, 0.2, 0.3],
        ],
        [8, 16, 24],
      ),
    ).toEqual({ a: 16, b: 8 });
  });
});
