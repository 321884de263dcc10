import { describe, expect, it } from "vitest";
import type { ArchFile } from "../../src/model/archFile.js";
import { convLayers, planNetwork } from "../../src/model/plan.js";
import { uboostSpace } from "../../src/model/space.js";
import { cellDot, cellGraph } from "../../src/pareto/cell.js";

/** x_p → t1 conv3x3, x_pp → t3 identity, t1 → t3 dws3x3; every edge into t2 is zero, so t2 is dead and its conv5x5 into t3 goes too. */
const ops = ["conv3x3", "zero", "zero", "zero", "zero", "identity", "zero", "dws3x3", "conv5x5"];
const shape = { layout: [true, true], resolution: 8, inChannels: 3, stemChannels: 8, classes: 10 };

function arch(): ArchFile {
  const plan = planNetwork(uboostSpace, shape, ops);
  const channels = convLayers(plan).map((layer, i) => ({ slot: layer.slot, channels: 8 + 4 * i }));
  return {
    format: "uboost-arch/2",
    space: uboostSpace,
    shape,
    edges: uboostSpace.edges.map(([from, to], i) => ({ from, to, op: ops[i], probabilities: {} })),
    channels,
  };
}

describe("cellGraph", () => {
  const graph = cellGraph(arch());

  it("keeps live edges only, with each op's width in every cell", () => {
    expect(graph.edges.map(({ from, to, op }) => `${from}→${to} ${op}`)).toEqual([
      "x_p→t1 conv3x3",
      "x_pp→t3 identity",
      "t1→t3 dws3x3",
    ]);
    const [conv, identity] = graph.edges;
    expect(conv.channels).toHaveLength(2);
    expect(identity.channels).toEqual([]);
  });

  it("marks a node with no live input dead, and the last node the output", () => {
    const byName = Object.fromEntries(graph.nodes.map((node) => [node.name, node]));
    expect(byName.t2.live).toBe(false);
    expect(byName.t3).toMatchObject({ kind: "output", level: 3, live: true });
    expect(byName.x_pp).toMatchObject({ kind: "input", level: 0 });
  });

  it("writes Graphviz DOT with labelled edges", () => {
    const dot = cellDot(graph, "test cell");
    expect(dot).toMatch(/^digraph "test cell" \{/);
    expect(dot).toContain('"t2" [shape=circle, style=dashed, fontcolor=gray];');
    expect(dot).toMatch(/"x_p" -> "t1" \[label="conv3x3\\n\d+\/\d+"\];/);
  });
});
