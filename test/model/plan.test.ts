import { describe, expect, it } from "vitest";
import { totalMacs } from "../../src/layers/macs.js";
import { planLayers, planNetwork } from "../../src/model/plan.js";
import { uboostSpace } from "../../src/model/space.js";
import { deriveChannels, deriveEdgeOps, outputIsDead } from "../../src/search/derive.js";

const shape = { stacks: [1, 1, 1], resolution: 32, inChannels: 3, classes: 10 };
const allConv = uboostSpace.edges.map(() => "conv3x3");

describe("network plan (paper §5: stem, cells with max-pool, GAP, fc)", () => {
  it("lays out the CIFAR-10 setting: three cells at 32, 16, 8 with strided x_pp pre layers", () => {
    const plan = planNetwork(uboostSpace, shape, allConv);
    expect(plan.cells.map((cell) => cell.size)).toEqual([32, 16, 8]);
    expect(plan.cells.map((cell) => cell.reducePrevious)).toEqual([false, true, true]);
    expect(plan.cells[1].layers[1]).toMatchObject({
      name: "cell1.pre_pp",
      stride: 2,
      input: ["stem"],
      size: 16,
    });
    // pre_p, pre_pp and one conv per edge
    expect(plan.cells[0].layers).toHaveLength(2 + 9);
    expect(plan.headSize).toBe(4);
  });

  it("several cells per stage (ImageNet-style stacks): only a cell right after a pool reduces x_pp", () => {
    const plan = planNetwork(uboostSpace, { ...shape, stacks: [2, 2] }, allConv);
    expect(plan.cells.map((cell) => [cell.size, cell.reducePrevious, cell.poolAfter])).toEqual([
      [32, false, false],
      [32, false, true],
      [16, true, false],
      [16, false, true],
    ]);
    expect(plan.headSize).toBe(8);
  });

  it("in the supernet every edge carries every weighted op", () => {
    const plan = planNetwork(uboostSpace, shape);
    // 6 weighted ops (conv, dws, dilated × 3×3, 5×5) on 9 edges
    expect(plan.cells[0].layers).toHaveLength(2 + 9 * 6);
    expect(plan.cells[0].nodeWidths.t1).toContain("cell0.pre_p");
  });

  it("concrete layers: MACs of a uniform 3×3 network counted by hand", () => {
    const plan = planNetwork(uboostSpace, shape, allConv);
    const slots = [plan.stem, ...plan.cells.flatMap((cell) => cell.layers)].map(
      (layer) => layer.slot,
    );
    const channels = Object.fromEntries(slots.map((slot) => [slot, 16]));
    const layers = planLayers(plan, channels, 1);
    const macs = totalMacs(layers);
    // stem 32²·9·3·16; per cell 11 convs of 9·16·16 at size² (pre_pp of cells 1, 2 included)
    const expected =
      32 * 32 * 9 * 3 * 16 + 11 * 9 * 16 * 16 * (32 * 32 + 16 * 16 + 8 * 8) + 16 * 10;
    expect(macs).toBe(expected);
    expect(layers.at(-1)).toMatchObject({ type: "fc", c: 16, f: 10 });
  });

  it("nodes summing edges of different widths get 1×1 equalizing convs", () => {
    const plan = planNetwork(uboostSpace, { ...shape, stacks: [1] }, allConv);
    const slots = [plan.stem, ...plan.cells.flatMap((cell) => cell.layers)].map(
      (layer) => layer.slot,
    );
    const channels = Object.fromEntries(slots.map((slot) => [slot, 16]));
    channels["cell0.edge0"] = 24; // x_p → t1 wider than x_pp → t1 (16)
    const layers = planLayers(plan, channels, 1);
    const eq = layers.filter((layer) => layer.name.includes(".eq_"));
    expect(eq).toEqual([
      expect.objectContaining({ name: "cell0.t1.eq_edge3", k1: 1, c: 16, f: 24 }),
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
    const plan = planNetwork(space, { ...shape, stacks: [1] }, ["conv3x3", "conv3x3", "conv3x3"]);
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
    expect(layers.at(-1)).toMatchObject({ type: "fc", c: 8 });
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
