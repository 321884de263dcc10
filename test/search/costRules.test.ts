import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import type { Layer } from "../../src/layers/layer.js";
import { convLayers, fixedWidths, planNetwork } from "../../src/model/plan.js";
import type { SearchSpace } from "../../src/model/space.js";
import { type CostTerms, networkTerms, referenceTerms } from "../../src/search/costRules.js";
import type { CostSurface } from "../../src/search/costSurface.js";
import { channelCost, microCost } from "../../src/search/costTerms.js";

// A 16×16 array at 1 GHz: 1e6 cycles are 1 ms, and a layer at utilization u has u·cycles·256 MACs.
const hardware = { ...defaultSimConfig, arrayRows: 16, arrayCols: 16 };

/** Runtimes (ms) and utilizations picked so every sum below is exact by hand. */
const byKind: Record<string, { ms: number; util: number }> = {
  conv3: { ms: 2, util: 0.5 },
  conv5: { ms: 3, util: 0.8 },
  depthwise: { ms: 1, util: 0.1 },
  pointwise: { ms: 0.5, util: 0.7 },
  fc: { ms: 0.25, util: 1 },
};
const kindOf = (layer: Layer) =>
  layer.type === "dwconv"
    ? "depthwise"
    : layer.type === "fc"
      ? "fc"
      : layer.k1 === 1
        ? "pointwise"
        : `conv${layer.k1}`;

/** A cost surface from the table above that records the layers it was asked about. */
function tableSurface(seen: Layer[][] = []): CostSurface {
  return (layers) => {
    seen.push(layers.map((layer) => ({ ...layer })));
    return layers.map((layer) => {
      const { ms, util } = byKind[kindOf(layer)];
      const cycles = ms * 1e6;
      return {
        cycles,
        macs: util * cycles * 256,
        dCyclesDc: 0,
        dCyclesDf: 0,
        dMacsDc: 0,
        dMacsDf: 0,
      };
    });
  };
}

// One node summing an edge from each cell input; two cells.
const space: SearchSpace = {
  ops: {
    conv3x3: { type: "conv", k: 3, dilation: 1 },
    dws3x3: { type: "dws", k: 3, dilation: 1 },
    identity: { type: "identity", k: 1, dilation: 1 },
    zero: { type: "zero", k: 1, dilation: 1 },
  },
  inputs: ["x_p", "x_pp"],
  nodes: ["t1"],
  edges: [
    ["x_p", "t1"],
    ["x_pp", "t1"],
  ],
};
const shape = {
  layout: [true, true],
  resolution: 8,
  inChannels: 3,
  stemChannels: 8,
  classes: 10,
};
const read = (terms: CostTerms) => [
  terms.latencyMs.dataSync()[0],
  terms.util.dataSync()[0],
  terms.networkUtil.dataSync()[0],
];

describe("reference cost terms, by hand", () => {
  it("edge: g-weighted mean over conv ops; separable: t_dw + t_pw and (u_dw + u_pw)/2; cell: sum and mean; network: sums", () => {
    // Cell 0: pre-conv (2 ms, 0.5) and a mixed edge of conv3x3 (g 0.2) and dws3x3 (g 0.3; its
    // depthwise 1 ms at 0.1 and pointwise 0.5 ms at 0.7 make one block: 1.5 ms, 0.4).
    // Edge: (0.2·2 + 0.3·1.5) / 0.5 = 1.7 ms, (0.2·0.5 + 0.3·0.4) / 0.5 = 0.44.
    // Cell 0: 2 + 1.7 = 3.7 ms, (0.5 + 0.44) / 2 = 0.47. Cell 1: one conv5x5, 3 ms, 0.8.
    // Network: 6.7 ms, 0.47 + 0.8 = 1.27.
    const runtime = [2, 2, 1, 0.5, 3];
    const util = [0.5, 0.5, 0.1, 0.7, 0.8];
    const [latency, utilization, networkUtil] = tf.tidy(() =>
      read(
        referenceTerms(
          { blockOf: [0, 1, 2, 2, 3], groupOf: [0, 1, 1, 2], cellOf: [0, 0, 1] },
          {
            runtimeMs: tf.tensor1d(runtime),
            idealMs: tf.tensor1d(runtime.map((t, i) => t * util[i])),
          },
          tf.tensor1d([1, 0.2, 0.3, 1]),
          tf.ones([3]) as tf.Tensor1D,
        ),
      ),
    );
    expect(latency).toBeCloseTo(6.7, 5);
    expect(utilization).toBeCloseTo(1.27, 5);
    // The network's own utilization weights ideal times as the latency weights runtimes. Ideal
    // ms (runtime · util): pre-conv 1, conv3x3 1, dws 0.1 + 0.35 = 0.45, conv5x5 2.4; the edge
    // (0.2·1 + 0.3·0.45) / 0.5 = 0.67; network 1 + 0.67 + 2.4 = 4.07 of 6.7 ms.
    expect(networkUtil).toBeCloseTo(4.07 / 6.7, 5);
  });

  it("network terms: Σ w·t and Σ w·ideal / Σ w·t", () => {
    const [latency, utilization, networkUtil] = tf.tidy(() =>
      read(
        networkTerms(
          { runtimeMs: tf.tensor1d([2, 1]), idealMs: tf.tensor1d([1, 0.1]) },
          tf.tensor1d([1, 0.5]),
        ),
      ),
    );
    expect(latency).toBeCloseTo(2.5, 6);
    expect(utilization).toBeCloseTo(1.05 / 2.5, 6);
    expect(networkUtil).toBe(utilization);
  });
});

describe("reference cost terms on a planned cell", () => {
  const supernet = planNetwork(space, shape);
  const widths = {
    input: 3,
    ...Object.fromEntries(convLayers(supernet).map((layer) => [layer.slot, 8])),
  };
  const micro = (terms: "reference" | "network") =>
    microCost(space, supernet, widths, tableSurface(), hardware, 64, terms);
  const evaluate = (terms: "reference" | "network", weights: number[][]) =>
    tf.tidy(() => read(micro(terms).evaluate(tf.tensor2d(weights))));
  // ops: conv3x3, dws3x3, identity, zero
  const mixed = [
    [0.2, 0.3, 0.1, 0.4],
    [0.5, 0.5, 0, 0],
  ];

  it("micro: pre-convs plus each edge's mixture, two cells summed (stem and classifier left out)", () => {
    // Edge 0: 1.7 ms, 0.44 (above). Edge 1: (0.5·2 + 0.5·1.5) / 1 = 1.75 ms, (0.25 + 0.2) = 0.45.
    // Each cell: 2 + 2 + 1.7 + 1.75 = 7.45 ms; (0.5 + 0.5 + 0.44 + 0.45) / 4 = 0.4725.
    const [latency, utilization] = evaluate("reference", mixed);
    expect(latency).toBeCloseTo(2 * 7.45, 4);
    expect(utilization).toBeCloseTo(2 * 0.4725, 5);
  });

  it("zero and identity neither lower nor raise an edge's cost", () => {
    const without = [
      [0.2, 0.3, 0, 0],
      [0.5, 0.5, 0, 0],
    ];
    const scaled = [
      [0.4, 0.6, 0.7, 2.5],
      [0.5, 0.5, 3, 1],
    ];
    const reference = evaluate("reference", mixed);
    expect(evaluate("reference", without)).toEqual(reference);
    const [latency, utilization] = evaluate("reference", scaled);
    expect(latency).toBeCloseTo(reference[0], 4);
    expect(utilization).toBeCloseTo(reference[1], 5);
    // Network terms make zero free: more weight on zero, less latency.
    expect(evaluate("network", without)[0]).toBeCloseTo(evaluate("network", mixed)[0], 4);
    expect(evaluate("network", scaled)[0]).toBeGreaterThan(evaluate("network", mixed)[0]);
  });

  it("channel: layers after a node see the top width, node inputs pay an equalizer weighted 1 − g_top", () => {
    const network = planNetwork(space, shape, ["dws3x3", "identity"]);
    const slots = convLayers(network).map((layer) => layer.slot);
    const seen: Layer[][] = [];
    const cost = channelCost(
      space,
      network,
      { slots, options: [4, 8], fixed: fixedWidths(network) },
      tableSurface(seen),
      hardware,
      64,
      "reference",
    );
    // Every slot at g = (0.25, 0.75): soft width 7, an equalizer exists with weight 0.25.
    // Per cell: pre_p 2 ms (0.5), pre_pp 2 ms (0.5), dws edge 1.5 ms (0.4), and equalizers for the
    // dws edge and for the identity from x_pp, 0.5 ms (0.7) each at weight 0.25:
    // 2 + 2 + 1.5 + 0.125 + 0.125 = 5.75 ms; (0.5 + 0.5 + 0.4 + 0.175 + 0.175) / 3.5 = 0.5.
    const [latency, utilization] = tf.tidy(() =>
      read(cost.evaluate(tf.tensor2d(slots.map(() => [0.25, 0.75])))),
    );
    expect(latency).toBeCloseTo(2 * 5.75, 4);
    expect(utilization).toBeCloseTo(2 * 0.5, 5);
    const layers = Object.fromEntries(seen[0].map((layer) => [layer.name, [layer.c, layer.f]]));
    expect(layers).toEqual({
      // cell 0 reads the stem, fixed at 8 here
      "cell0.pre_p": [8, 7],
      "cell0.pre_pp": [8, 7],
      "cell0.edge0.depthwise": [7, 7],
      "cell0.edge0.pointwise": [7, 7],
      "cell0.t1.eq_edge0": [7, 8],
      "cell0.t1.eq_edge1": [7, 8],
      // cell 1 reads cell 0's node: the top width
      "cell1.pre_p": [8, 7],
      "cell1.pre_pp": [8, 7],
      "cell1.edge0.depthwise": [7, 7],
      "cell1.edge0.pointwise": [7, 7],
      "cell1.t1.eq_edge0": [7, 8],
      "cell1.t1.eq_edge1": [7, 8],
    });
  });
});
