/**
 * NAS-Bench-201 (Dong & Yang, ICLR 2020; the network as D-X-Y/NAS-Bench-201 and HW-NAS-Bench
 * build it, `TinyNetwork` with C=16, N=5): a 4-node cell whose 6 edges each take one of 5 ops,
 * stacked 5 times per stage over 3 stages (16, 32, 64 channels) joined by ResNet basic blocks of
 * stride 2. All 5⁶ = 15,625 cells are kept, isomorphic ones included, as the benchmark keeps them
 * (its own count of unique topologies is 6,466): a latency dataset has a row for each.
 */
import { InputError } from "../errors.js";
import type { Layer } from "../layers/layer.js";
import { type Act, convLayer } from "../zoo/builders.js";
import { convBn, outputOf, poolAndClassify, sameShape, squareLayer } from "./blocks.js";
import type { Arch, ArchSpace, SpaceInput } from "./space.js";

export const nb201Ops = [
  "none",
  "skip_connect",
  "nor_conv_1x1",
  "nor_conv_3x3",
  "avg_pool_3x3",
] as const;

/** The edges in the order the string lists them: node 1's inputs, then node 2's, then node 3's. */
export const nb201Edges: readonly (readonly [from: number, to: number])[] = [
  [0, 1],
  [0, 2],
  [1, 2],
  [0, 3],
  [1, 3],
  [2, 3],
];

const stemChannels = 16;
const cellsPerStage = 5;
const stages = 3;

/** "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|…|": per node, its inputs' ops, `~` the input. */
export function printNb201(arch: Arch): string {
  const nodes = [1, 2, 3].map((node) => {
    const inputs = nb201Edges.flatMap(([from, to], e) =>
      to === node ? [`${nb201Ops[arch[e]]}~${from}`] : [],
    );
    return `|${inputs.join("|")}|`;
  });
  return nodes.join("+");
}

export function parseNb201(text: string): Arch {
  const nodes = text.split("+");
  if (nodes.length !== 3) {
    throw new InputError(`"${text}": a NAS-Bench-201 cell has 3 nodes joined by "+"`);
  }
  const arch: number[] = [];
  nodes.forEach((node, n) => {
    const inputs = node.split("|");
    // "|a~0|b~1|" splits into ["", "a~0", "b~1", ""]
    if (inputs.length !== n + 3 || inputs[0] !== "" || inputs.at(-1) !== "") {
      throw new InputError(`"${text}": node ${n + 1} should read |op~0|…|op~${n}| (got "${node}")`);
    }
    inputs.slice(1, -1).forEach((input, from) => {
      const [op, source, ...rest] = input.split("~");
      const index = (nb201Ops as readonly string[]).indexOf(op);
      if (index < 0) {
        throw new InputError(`"${text}": unknown op "${op}" (known: ${nb201Ops.join(", ")})`);
      }
      if (source !== String(from) || rest.length > 0) {
        throw new InputError(`"${text}": node ${n + 1}'s input ${from + 1} should be ~${from}`);
      }
      arch.push(index);
    });
  });
  return arch;
}

function edgeLayers(batch: number, name: string, op: number, x: Act): Layer[] {
  switch (nb201Ops[op]) {
    case "nor_conv_1x1":
      return convBn(batch, name, x, x.ch, 1);
    case "nor_conv_3x3":
      return convBn(batch, name, x, x.ch, 3);
    case "avg_pool_3x3":
      return [squareLayer(batch, `${name}.pool`, "pool", { k: 3, c: x.ch, f: x.ch, size: x.size })];
    case "skip_connect":
      return [sameShape(batch, `${name}.skip`, "identity", x)];
    default:
      return [];
  }
}

/** A cell: every edge's op (a none edge is nothing), then each node's sum of its live inputs. */
function cellLayers(batch: number, name: string, arch: Arch, x: Act): Layer[] {
  const layers = nb201Edges.flatMap(([from, to], e) =>
    edgeLayers(batch, `${name}.${to}<-${from}`, arch[e], x),
  );
  for (const node of [1, 2, 3]) {
    const live = nb201Edges.filter(([, to], e) => to === node && nb201Ops[arch[e]] !== "none");
    for (let add = 1; add < live.length; add++) {
      layers.push(sameShape(batch, `${name}.${node}.add${add}`, "add", x));
    }
  }
  return layers;
}

/**
 * ResNet basic block of stride 2: ReLU-conv-BN 3×3 stride 2, ReLU-conv-BN 3×3, and a shortcut of
 * 2×2 average pool then a 1×1 conv without BN.
 */
function reductionLayers(batch: number, name: string, x: Act, f: number): Layer[] {
  const convA = convBn(batch, `${name}.conv_a`, x, f, 3, 2);
  const out = outputOf(convA);
  const convB = convBn(batch, `${name}.conv_b`, out, f, 3);
  const pool = squareLayer(batch, `${name}.downsample.pool`, "pool", {
    k: 2,
    c: x.ch,
    f: x.ch,
    size: out.size,
    stride: 2,
  });
  const projection = convLayer(batch, `${name}.downsample.conv`, outputOf([pool]), f, 1);
  return [...convA, ...convB, pool, projection, sameShape(batch, `${name}.add`, "add", out)];
}

/** ReLU-conv-BN convs throughout (the ReLU is free); every cell of the network is the same cell. */
export function nb201Layers(arch: Arch, input: SpaceInput, batch: number): Layer[] {
  const layers = convBn(batch, "stem", { size: input.resolution, ch: 3 }, stemChannels, 3);
  let x = outputOf(layers);
  let index = 0;
  for (let stage = 0; stage < stages; stage++) {
    if (stage > 0) {
      layers.push(...reductionLayers(batch, `cells.${index++}`, x, x.ch * 2));
      x = outputOf(layers);
    }
    for (let cell = 0; cell < cellsPerStage; cell++) {
      layers.push(...cellLayers(batch, `cells.${index++}`, arch, x));
    }
  }
  layers.push(sameShape(batch, "lastact.bn", "bn", x));
  return [...layers, ...poolAndClassify(batch, x, input.classes, "classifier")];
}

export const nasbench201: ArchSpace = {
  name: "nasbench201",
  source:
    "NAS-Bench-201 (Dong & Yang, ICLR 2020), as D-X-Y/NAS-Bench-201 and HW-NAS-Bench build it",
  decisions: nb201Edges.map(() => nb201Ops),
  inputs: [
    { name: "cifar10", resolution: 32, classes: 10 },
    { name: "cifar100", resolution: 32, classes: 100 },
    { name: "ImageNet16-120", resolution: 16, classes: 120 },
  ],
  exhaustive: true,
  parse: parseNb201,
  print: printNb201,
  layersOf: nb201Layers,
};
