import type { Layer, LayerTypeName } from "../layers/layer.js";
import { type CellLayout, layoutResolutions } from "./layout.js";
import { cellOutput, type OpEntry, type SearchSpace } from "./space.js";

/** The network around the searched cell: the stem, a stage's cell layout, the classifier. */
export interface NetworkShape {
  /** per cell, whether a 2×2 max-pool follows it (see layout.ts) */
  layout: CellLayout;
  /** input height = width */
  resolution: number;
  inChannels: number;
  /** the stem conv's output channels (fixed, never searched) */
  stemChannels: number;
  classes: number;
}

/**
 * Widths are named slots: "cell2.pre_p", "cell2.edge4" (one per layer whose output channels the
 * search sets), plus the fixed "input" and "stem". A tensor's width is the max over a set of
 * slots: a node summing edges of different widths is as wide as its widest input (narrower ones
 * go through a 1×1 conv).
 */
export type WidthSet = string[];

/**
 * One block of the network. Every conv (3×3, 5×5, dilated, the pre-convs, the stem) is
 * conv → BN → ReLU; "dws" is depthwise → BN → ReLU → pointwise 1×1 → BN → ReLU.
 */
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
  /** the cell's resolution: its input x_p's and its output's (before its max-pool) */
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
  /** 3×3 conv → BN → ReLU at the input resolution, then a 2×2 max-pool */
  stem: PlannedConv;
  inChannels: number;
  stemChannels: number;
  cells: CellPlan[];
  /** width and size of what the classifier flattens */
  headInput: WidthSet;
  headSize: number;
  classes: number;
}

/**
 * Lays out the network. `edgeOps[e]` fixes edge e's op; `undefined` keeps every candidate op on
 * every edge (the microarchitecture supernet, whose widths are all fixed anyway). Every cell of
 * the layout is the same cell (the one the micro stage found).
 */
export function planNetwork(
  space: SearchSpace,
  shape: NetworkShape,
  edgeOps?: string[],
): NetworkPlan {
  const sizes = layoutResolutions(shape.resolution, shape.layout, "layout");
  const stem = conv("stem", "stem", "conv", 3, 1, 1, shape.resolution, ["input"]);
  const cells: CellPlan[] = [];
  // What the next cell reads as x_p and x_pp, and at which size (after any pool).
  let previous: { width: WidthSet; size: number } = { width: ["stem"], size: sizes.cells[0] };
  let beforePrevious = previous;
  shape.layout.forEach((poolAfter, index) => {
    const size = sizes.cells[index];
    const cell = planCell(space, index, size, previous, beforePrevious, poolAfter, edgeOps);
    cells.push(cell);
    beforePrevious = previous;
    const width = cell.nodeWidths[cell.output];
    previous = { width, size: poolAfter ? size / 2 : size };
  });
  return {
    stem,
    inChannels: shape.inChannels,
    stemChannels: shape.stemChannels,
    cells,
    headInput: previous.width,
    headSize: sizes.head,
    classes: shape.classes,
  };
}

/** The widths no search sets: the image channels and the stem's. */
export function fixedWidths(plan: NetworkPlan): Record<string, number> {
  return { input: plan.inChannels, stem: plan.stemChannels };
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
  // In the supernet every node stays; a cell input no edge reads (a one-edge bench space's x_pp)
  // would be a conv computed for nothing.
  const useful = edgeOps
    ? usefulNodes(space, nodeInputs)
    : new Set([...space.inputs.filter((input) => readByAnEdge(space, input)), ...space.nodes]);
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

const readByAnEdge = (space: SearchSpace, state: string) =>
  space.edges.some(([from]) => from === state);

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
 * The plan as concrete layers for the cost models and the simulator, with integer widths, one
 * record per block: the stem and its pool, each cell's blocks (a separable conv is one "dws"
 * record, depthwise + pointwise), a 1×1 equalizing conv for every node input narrower than its
 * node, the cell's pool, and the classifier over the flattened head.
 */
export function planLayers(
  plan: NetworkPlan,
  channels: Record<string, number>,
  batch: number,
): Layer[] {
  const widths = { ...channels, ...fixedWidths(plan) };
  const stemPool = freeLayer("stem.pool", 2, plan.stemChannels, plan.stem.size / 2, batch);
  const layers: Layer[] = [toLayer(plan.stem, widths, batch), stemPool];
  for (const cell of plan.cells) {
    for (const planned of cell.layers) layers.push(toLayer(planned, widths, batch));
    layers.push(...equalizers(cell, widths, batch));
    if (cell.poolAfter) {
      const width = widthOf(cell.nodeWidths[cell.output], widths);
      layers.push(freeLayer(`cell${cell.index}.pool`, 2, width, cell.size / 2, batch));
    }
  }
  layers.push(classifierLayer(plan, widthOf(plan.headInput, widths), batch));
  return layers;
}

/**
 * The layers whose output width the search sets, in order: each cell's pre layers and edge ops
 * (the stem's width is fixed).
 */
export function convLayers(plan: NetworkPlan): PlannedConv[] {
  return plan.cells.flatMap((cell) => cell.layers);
}

/** Flatten + one linear layer: it reads headSize² × width features (no global pooling). */
export function classifierLayer(plan: NetworkPlan, width: number, batch: number): Layer {
  return {
    name: "classifier",
    type: "fc",
    k1: 1,
    k2: 1,
    c: plan.headSize * plan.headSize * width,
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
