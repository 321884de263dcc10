import type { Layer, LayerTypeName } from "../layers/layer.js";
import { cellOutput, type OpEntry, type SearchSpace } from "./space.js";

/** The macro-architecture around the searched cell (paper §5). */
export interface NetworkShape {
  /** cells per stage; a 2×2 max-pool follows every stage (CIFAR-10: [1, 1, 1]) */
  stacks: number[];
  /** input height = width */
  resolution: number;
  inChannels: number;
  classes: number;
}

/**
 * Widths are named slots: "stem", "cell2.pre_p", "cell2.edge4" (one per layer whose output
 * channels are searched). A tensor's width is the max over a set of slots: a node summing edges
 * of different widths is as wide as its widest input (narrower ones go through a 1×1 conv).
 */
export type WidthSet = string[];

export interface PlannedConv {
  name: string;
  slot: string;
  type: LayerTypeName;
  k: number;
  dilation: number;
  stride: number;
  /** output size */
  size: number;
  input: WidthSet;
  /** the edge (index into space.edges) and op this layer implements, if any */
  edge?: number;
  op?: string;
}

export interface CellPlan {
  index: number;
  /** output size of the cell (before its max-pool) */
  size: number;
  /** x_pp is at twice the resolution of x_p: its pre layer has stride 2 */
  reducePrevious: boolean;
  poolAfter: boolean;
  /** pre_p, pre_pp and, per edge, one layer per candidate op (the chosen one after search) */
  layers: PlannedConv[];
  /** each node's width: the union of its incoming edges' widths */
  nodeWidths: Record<string, WidthSet>;
  /** the node the cell outputs: the space's last node */
  output: string;
  /** each node's live incoming edges and the width each delivers */
  nodeInputs: Record<string, { edge: number; width: WidthSet }[]>;
}

export interface NetworkPlan {
  stem: PlannedConv;
  cells: CellPlan[];
  /** width and size of what the classifier reads */
  headInput: WidthSet;
  headSize: number;
  classes: number;
}

/**
 * Lays out the network. `edgeOps[e]` fixes edge e's op; `undefined` keeps every candidate op on
 * every edge (the microarchitecture supernet, whose widths are all fixed anyway).
 */
export function planNetwork(
  space: SearchSpace,
  shape: NetworkShape,
  edgeOps?: string[],
): NetworkPlan {
  const stem = conv("stem", "stem", "conv", 3, 1, 1, shape.resolution, ["input"]);
  const cells: CellPlan[] = [];
  let size = shape.resolution;
  let previous: { width: WidthSet; size: number } = { width: ["stem"], size };
  let beforePrevious = previous;
  let index = 0;
  shape.stacks.forEach((cellsInStage) => {
    for (let i = 0; i < cellsInStage; i++, index++) {
      const poolAfter = i === cellsInStage - 1;
      const cell = planCell(space, index, size, previous, beforePrevious, poolAfter, edgeOps);
      cells.push(cell);
      beforePrevious = previous;
      previous = { width: cell.nodeWidths[cell.output], size };
    }
    size = Math.floor(size / 2);
    previous = { ...previous, size };
  });
  return { stem, cells, headInput: previous.width, headSize: size, classes: shape.classes };
}

function conv(
  name: string,
  slot: string,
  type: LayerTypeName,
  k: number,
  dilation: number,
  stride: number,
  size: number,
  input: WidthSet,
): PlannedConv {
  return { name, slot, type, k, dilation, stride, size, input };
}

function planCell(
  space: SearchSpace,
  index: number,
  size: number,
  previous: { width: WidthSet; size: number },
  beforePrevious: { width: WidthSet; size: number },
  poolAfter: boolean,
  edgeOps: string[] | undefined,
): CellPlan {
  const name = `cell${index}`;
  const reducePrevious = beforePrevious.size > previous.size;
  const preP = conv(`${name}.pre_p`, `${name}.pre_p`, "conv", 3, 1, 1, size, previous.width);
  const prePStride = reducePrevious ? 2 : 1;
  const prePP = conv(
    `${name}.pre_pp`,
    `${name}.pre_pp`,
    "conv",
    3,
    1,
    prePStride,
    size,
    beforePrevious.width,
  );
  const widths: Record<string, WidthSet> = {
    [space.inputs[0]]: [preP.slot],
    [space.inputs[1]]: [prePP.slot],
  };
  const layers = [preP, prePP];
  const nodeInputs: CellPlan["nodeInputs"] = {};
  for (const node of space.nodes) {
    nodeInputs[node] = [];
    space.edges.forEach(([from, to], edge) => {
      // An edge out of a dead node (all its inputs "zero") is pruned with it.
      if (to !== node || widths[from].length === 0) return;
      const ops = edgeOps ? [edgeOps[edge]] : Object.keys(space.ops);
      const delivered: WidthSet = [];
      for (const op of ops) {
        const entry = space.ops[op];
        if (entry.type === "zero") continue;
        if (entry.type === "identity") {
          delivered.push(...widths[from]);
          continue;
        }
        const slot = edgeOps ? `${name}.edge${edge}` : `${name}.edge${edge}.${op}`;
        layers.push({ ...edgeLayer(entry, slot, slot, size, widths[from]), edge, op });
        delivered.push(slot);
      }
      if (delivered.length > 0) nodeInputs[node].push({ edge, width: [...new Set(delivered)] });
    });
    widths[node] = [...new Set(nodeInputs[node].flatMap((input) => input.width))];
  }
  // A derived cell keeps only what reaches its output: a node, or a pre layer, whose result
  // nothing downstream reads is pruned with the layers that feed it.
  const useful = edgeOps
    ? usefulNodes(space, nodeInputs)
    : new Set([...space.inputs, ...space.nodes]);
  for (const node of space.nodes) {
    if (useful.has(node)) continue;
    nodeInputs[node] = [];
    widths[node] = [];
  }
  const kept = layers.filter((layer) =>
    layer.edge === undefined
      ? useful.has(layer === preP ? space.inputs[0] : space.inputs[1])
      : useful.has(space.edges[layer.edge][1]),
  );
  const nodeWidths = Object.fromEntries(space.nodes.map((node) => [node, widths[node]]));
  return {
    index,
    size,
    reducePrevious,
    poolAfter,
    layers: kept,
    nodeWidths,
    output: cellOutput(space),
    nodeInputs,
  };
}

/** The cell inputs and nodes the output depends on, through live edges. */
function usefulNodes(space: SearchSpace, nodeInputs: CellPlan["nodeInputs"]): Set<string> {
  const useful = new Set([cellOutput(space)]);
  for (const node of [...space.nodes].reverse()) {
    if (!useful.has(node)) continue;
    for (const { edge } of nodeInputs[node]) useful.add(space.edges[edge][0]);
  }
  return useful;
}

function edgeLayer(
  op: OpEntry,
  name: string,
  slot: string,
  size: number,
  input: WidthSet,
): PlannedConv {
  return conv(
    name,
    slot,
    op.type === "dws" ? "dws" : op.type === "dilconv" ? "dilconv" : "conv",
    op.k,
    op.dilation,
    1,
    size,
    input,
  );
}

/** Width of a set of slots: its widest member (0 for an empty set: a dead node). */
export function widthOf(set: WidthSet, channels: Record<string, number>): number {
  return set.reduce((widest, slot) => Math.max(widest, channels[slot] ?? 0), 0);
}

/**
 * The plan as concrete layers for the cost models and the simulator, with integer widths.
 * Node inputs narrower than the node get the 1×1 equalizing conv the final network has.
 */
export function planLayers(
  plan: NetworkPlan,
  channels: Record<string, number>,
  batch: number,
): Layer[] {
  const withInput = { ...channels, input: channels.input ?? 3 };
  const layers: Layer[] = [toLayer(plan.stem, withInput, batch)];
  for (const cell of plan.cells) {
    for (const planned of cell.layers) layers.push(toLayer(planned, withInput, batch));
    layers.push(...equalizers(cell, withInput, batch));
    if (cell.poolAfter) {
      const width = widthOf(cell.nodeWidths[cell.output], withInput);
      const out = Math.floor(cell.size / 2);
      layers.push(freeLayer(`cell${cell.index}.pool`, 2, width, out, batch));
    }
  }
  const headWidth = widthOf(plan.headInput, withInput);
  layers.push(freeLayer("gap", plan.headSize, headWidth, 1, batch));
  layers.push(classifierLayer(plan, headWidth, batch));
  return layers;
}

/** The layers with weights, in order: stem, each cell's pre layers and edge ops. */
export function convLayers(plan: NetworkPlan): PlannedConv[] {
  return [plan.stem, ...plan.cells.flatMap((cell) => cell.layers)];
}

export function classifierLayer(plan: NetworkPlan, width: number, batch: number): Layer {
  return {
    name: "classifier",
    type: "fc",
    k1: 1,
    k2: 1,
    c: width,
    f: plan.classes,
    h: 1,
    w: 1,
    stride: 1,
    dilation: 1,
    batch,
  };
}

function freeLayer(name: string, k: number, width: number, size: number, batch: number): Layer {
  return {
    name,
    type: "pool",
    k1: k,
    k2: k,
    c: width,
    f: width,
    h: size,
    w: size,
    stride: k,
    dilation: 1,
    batch,
  };
}

export function toLayer(
  planned: PlannedConv,
  channels: Record<string, number>,
  batch: number,
): Layer {
  const c = widthOf(planned.input, channels);
  const f = channels[planned.slot];
  const k = planned.k;
  return {
    name: planned.name,
    type: planned.type,
    k1: k,
    k2: k,
    c,
    f,
    h: planned.size,
    w: planned.size,
    stride: planned.stride,
    dilation: planned.dilation,
    batch,
  };
}

/** Name of the 1×1 conv that widens an edge's output to its node's width. */
export const equalizerName = (cell: number, node: string, edge: number) =>
  `cell${cell}.${node}.eq_edge${edge}`;

/** The 1×1 convs a cell needs at these widths: one per node input narrower than its node. */
export function equalizerSpecs(cell: CellPlan, channels: Record<string, number>) {
  const specs: { name: string; c: number; f: number }[] = [];
  for (const [node, inputs] of Object.entries(cell.nodeInputs)) {
    const width = widthOf(cell.nodeWidths[node], channels);
    for (const input of inputs) {
      const c = widthOf(input.width, channels);
      if (c < width) specs.push({ name: equalizerName(cell.index, node, input.edge), c, f: width });
    }
  }
  return specs;
}

function equalizers(cell: CellPlan, channels: Record<string, number>, batch: number): Layer[] {
  const { size } = cell;
  return equalizerSpecs(cell, channels).map(({ name, c, f }) => ({
    name,
    type: "conv",
    k1: 1,
    k2: 1,
    c,
    f,
    h: size,
    w: size,
    stride: 1,
    dilation: 1,
    batch,
  }));
}
