import * as tf from "@tensorflow/tfjs";
import type { SimConfig } from "../hw/simulator/config.js";
import type { Layer } from "../layers/layer.js";
import {
  type CellPlan,
  classifierLayer,
  convLayers,
  fixedWidths,
  type NetworkPlan,
  type PlannedConv,
  toLayer,
  type WidthSet,
  widthOf,
} from "../model/plan.js";
import type { SearchSpace } from "../model/space.js";
import { type CostBridge, costBridge } from "./costBridge.js";
import { type CostStructure, type CostTerms, networkTerms, referenceTerms } from "./costRules.js";
import type { CostSurface } from "./costSurface.js";
import { selectByIndex } from "./select.js";
import type { CostTermsName } from "./settings.js";

export interface MicroCost {
  bridge: CostBridge;
  /** latency and util at the given [edges, ops] op weights */
  evaluate(opWeights: tf.Tensor2D): CostTerms;
}

/**
 * Stage 1: channels are fixed, so every layer's cost is a constant; the op weights mix them.
 * reference: each edge costs the g-weighted mean of its conv ops (src/search/costRules.ts).
 * network: every op layer carries its edge's Gumbel weight into network-wide sums.
 */
export function microCost(
  space: SearchSpace,
  plan: NetworkPlan,
  channels: Record<string, number>,
  surface: CostSurface,
  hardware: SimConfig,
  hardwareBatch: number,
  terms: CostTermsName,
): MicroCost {
  const ops = Object.keys(space.ops);
  const constantWeight = space.edges.length * ops.length;
  const weightIndex = (layer: PlannedConv) =>
    layer.edge !== undefined && layer.op !== undefined
      ? layer.edge * ops.length + ops.indexOf(layer.op)
      : constantWeight;
  const costed =
    terms === "reference"
      ? referenceMicroLayers(space, plan, channels, hardwareBatch)
      : costedLayers(plan, channels, hardwareBatch);
  const bridge = costBridge(surface, costed.layers, hardware);
  const inChannels = costed.layers.map((layer) => layer.c);
  const outChannels = costed.layers.map((layer) => layer.f);
  const weightIndices = costed.weighted.map(weightIndex);
  return {
    bridge,
    evaluate: (opWeights) => {
      const extended = tf.concat([opWeights.reshape([-1]), tf.ones([1])]) as tf.Tensor1D;
      const weights = selectByIndex(extended, weightIndices);
      const costs = bridge(tf.tensor1d(inChannels), tf.tensor1d(outChannels));
      if (costed.structure === undefined) return networkTerms(costs, weights);
      const groups = costed.structure.cellOf.length;
      return referenceTerms(costed.structure, costs, weights, tf.ones([groups]) as tf.Tensor1D);
    },
  };
}

function referenceMicroLayers(
  space: SearchSpace,
  plan: NetworkPlan,
  channels: Record<string, number>,
  batch: number,
) {
  const { costed, structure } = referenceLayout(space, plan, channels, batch);
  // Op weights go to blocks (a separable conv's two layers share one).
  const firstLayer = structure.groupOf.map((_, block) => structure.blockOf.indexOf(block));
  return {
    layers: costed.map(({ layer }) => layer),
    weighted: firstLayer.map((layer) => costed[layer].planned),
    structure,
  };
}

export interface ChannelCost {
  bridge: CostBridge;
  /** latency and util at the channel weights [slots, options] (a Gumbel sample or softmax) */
  evaluate(channelWeights: tf.Tensor2D): CostTerms;
}

/** What the channel stage searches and what stays fixed. */
export interface ChannelSlots {
  /** the searched slots, in the rows' order of the channel weights */
  slots: readonly string[];
  /** the channel options, ascending */
  options: readonly number[];
  /** widths of what is not searched ("input", and the stem when it is fixed) */
  fixed: Record<string, number>;
}

/**
 * Stage 2: a layer's output channels are its slot's soft count Σ g_j·ch_j, so latency and
 * utilization gradients reach every channel logit through the engine's ∂/∂channels.
 * reference: a layer reading a cell input (a pre-conv's output) sees that pre-conv's soft count;
 * a layer reading a node's sum sees the widest width the node can have, the top of the range (the
 * authors' Add), so no gradient flows through it; every node input that can be narrower than the
 * node pays its 1×1 equalizing conv (soft count → top), weighted by the probability 1 − g_top
 * that it does not take the top width; the stem and the classifier are left out.
 * network: a layer's input is the differentiable max of its sources' soft counts, stem and
 * classifier included, equalizers left out.
 */
export function channelCost(
  space: SearchSpace,
  plan: NetworkPlan,
  search: ChannelSlots,
  surface: CostSurface,
  hardware: SimConfig,
  hardwareBatch: number,
  terms: CostTermsName,
): ChannelCost {
  return terms === "reference"
    ? referenceChannelCost(space, plan, search, surface, hardware, hardwareBatch)
    : networkChannelCost(plan, search, surface, hardware, hardwareBatch);
}

function referenceChannelCost(
  space: SearchSpace,
  plan: NetworkPlan,
  search: ChannelSlots,
  surface: CostSurface,
  hardware: SimConfig,
  hardwareBatch: number,
): ChannelCost {
  const { slots, options } = search;
  const { top, topWidths, softCounts } = channelPrologue(search);
  const layout = referenceLayout(space, plan, topWidths, hardwareBatch, slots);
  // Widths by index: the soft counts, then the constants this layout needs.
  const constants: number[] = [];
  const constant = (value: number) => {
    if (!constants.includes(value)) constants.push(value);
    return slots.length + constants.indexOf(value);
  };
  const slotOrConstant = (slot: string) =>
    slots.includes(slot) ? slots.indexOf(slot) : constant(search.fixed[slot] ?? 0);
  // A node's sum is as wide as the widest its inputs can be: the top for a searched one.
  const nodeWidth = (set: WidthSet) =>
    set.reduce(
      (widest, slot) => Math.max(widest, slots.includes(slot) ? top : (search.fixed[slot] ?? 0)),
      0,
    );
  const indices = layout.costed.map(({ planned, depthwise, equalizes }) => {
    if (equalizes !== undefined) return { input: slots.indexOf(equalizes), output: constant(top) };
    const edge = planned.edge;
    const input =
      edge !== undefined && space.inputs.includes(space.edges[edge][0])
        ? slotOrConstant(planned.input[0])
        : constant(nodeWidth(planned.input));
    return { input, output: depthwise ? input : slotOrConstant(planned.slot) };
  });
  const bridge = costBridge(
    surface,
    layout.costed.map(({ layer }) => layer),
    hardware,
  );
  const inIndex = indices.map(({ input }) => input);
  const outIndex = indices.map(({ output }) => output);
  const groupSlot = layout.equalizedSlot.map((slot) =>
    slot === undefined ? slots.length : slots.indexOf(slot),
  );
  const blocks = layout.structure.groupOf.length;
  return {
    bridge,
    evaluate: (channelWeights) => {
      const widths = tf.concat([softCounts(channelWeights), tf.tensor1d(constants)]) as tf.Tensor1D;
      const costs = bridge(selectByIndex(widths, inIndex), selectByIndex(widths, outIndex));
      // An equalizer exists unless its input takes the top width: weight 1 − g_top.
      const topWeight = tf.slice(channelWeights, [0, options.length - 1], [slots.length, 1]);
      const existence = tf.concat([tf.sub(1, topWeight.reshape([-1])), tf.ones([1])]);
      const groupWeights = selectByIndex(existence as tf.Tensor1D, groupSlot);
      return referenceTerms(
        layout.structure,
        costs,
        tf.ones([blocks]) as tf.Tensor1D,
        groupWeights,
      );
    },
  };
}

/**
 * What both channel costs start from: the layers are shaped with every searched slot at the top
 * width (`topWidths`; the engine then takes the soft counts as the channels), and a slot's soft
 * count is Σ g_j·ch_j over its channel options.
 */
function channelPrologue(search: ChannelSlots) {
  const { slots, options } = search;
  const top = options[options.length - 1];
  const optionValues = tf.tensor2d(options as number[], [options.length, 1]);
  return {
    top,
    topWidths: { ...search.fixed, ...Object.fromEntries(slots.map((slot) => [slot, top])) },
    softCounts: (channelWeights: tf.Tensor2D) =>
      tf.matMul(channelWeights, optionValues).reshape([-1]) as tf.Tensor1D,
  };
}

/** One layer the reference terms cost, and what it implements. */
interface CostedLayer {
  layer: Layer;
  /** the planned conv (for an equalizer: the cell's first layer, unweighted) */
  planned: PlannedConv;
  /** the depthwise half of a separable conv: as many outputs as inputs */
  depthwise: boolean;
  /** for an equalizing 1×1 conv: the slot whose output it widens */
  equalizes?: string;
}

/**
 * The layers the reference terms cost, cell by cell: the pre-convs and every op layer of every
 * edge (a separable conv as its depthwise and pointwise layers), and, when `searched` is given,
 * the equalizing 1×1 convs of every node whose inputs can be narrower than the node. The stem and
 * the classifier are left out.
 */
function referenceLayout(
  space: SearchSpace,
  plan: NetworkPlan,
  given: Record<string, number>,
  batch: number,
  searched?: readonly string[],
): { costed: CostedLayer[]; structure: CostStructure; equalizedSlot: (string | undefined)[] } {
  // The image's and the stem's widths are the plan's.
  const channels = { ...given, ...fixedWidths(plan) };
  const costed: CostedLayer[] = [];
  const structure: CostStructure = { blockOf: [], groupOf: [], cellOf: [] };
  const equalizedSlot: (string | undefined)[] = [];
  let cellIndex = 0;
  for (const cell of plan.cells) {
    const groupsBefore = structure.cellOf.length;
    const groups = new Map<string, number>();
    const groupOf = (key: string, equalizes?: string) => {
      let group = groups.get(key);
      if (group === undefined) {
        group = structure.cellOf.length;
        groups.set(key, group);
        structure.cellOf.push(cellIndex);
        equalizedSlot.push(equalizes);
      }
      return group;
    };
    const addBlock = (group: number, layers: CostedLayer[]) => {
      const block = structure.groupOf.length;
      structure.groupOf.push(group);
      for (const layer of layers) {
        costed.push(layer);
        structure.blockOf.push(block);
      }
    };
    for (const planned of cell.layers) {
      const key = planned.edge === undefined ? planned.name : `edge${planned.edge}`;
      const layer = toLayer(planned, channels, batch);
      addBlock(
        groupOf(key),
        splitSeparable(layer).map((part) => ({
          layer: part,
          planned,
          depthwise: part.type === "dwconv",
        })),
      );
    }
    for (const { name, slot } of searched ? equalizedInputs(space, cell, searched) : []) {
      const layer: Layer = {
        ...toLayer(cell.layers[0], channels, batch),
        name,
        type: "conv",
        k1: 1,
        k2: 1,
        c: channels[slot],
        f: channels[slot],
        h: cell.size,
        w: cell.size,
        stride: 1,
        dilation: 1,
      };
      const planned = { ...cell.layers[0], edge: undefined, op: undefined };
      addBlock(groupOf(name, slot), [{ layer, planned, depthwise: false, equalizes: slot }]);
    }
    if (structure.cellOf.length > groupsBefore) cellIndex++;
  }
  return { costed, structure, equalizedSlot };
}

/**
 * The inputs of a summing node that can be narrower than the node: a conv edge's output, or an
 * identity edge passing a pre-conv's output. An identity from another node is already top-wide.
 */
function equalizedInputs(space: SearchSpace, cell: CellPlan, searched: readonly string[]) {
  const inputs: { name: string; slot: string }[] = [];
  for (const [node, edges] of Object.entries(cell.nodeInputs)) {
    if (edges.length < 2) continue;
    for (const { edge, width } of edges) {
      const conv = cell.layers.find((layer) => layer.edge === edge);
      const fromCellInput = space.inputs.includes(space.edges[edge][0]);
      const slot = conv ? conv.slot : fromCellInput ? width[0] : undefined;
      if (slot !== undefined && searched.includes(slot))
        inputs.push({ name: `cell${cell.index}.${node}.eq_edge${edge}`, slot });
    }
  }
  return inputs;
}

/** The authors cost a separable conv as its depthwise conv (c → c) and its 1×1 conv (c → f). */
function splitSeparable(layer: Layer): Layer[] {
  if (layer.type !== "dws") return [layer];
  return [
    { ...layer, name: `${layer.name}.depthwise`, type: "dwconv", f: layer.c },
    { ...layer, name: `${layer.name}.pointwise`, type: "conv", k1: 1, k2: 1, dilation: 1 },
  ];
}

/**
 * The stem, every conv and the classifier (pools are free), with their planned convs for op
 * weights (the classifier's stands in as the stem's, unweighted).
 */
function costedLayers(plan: NetworkPlan, channels: Record<string, number>, batch: number) {
  const planned = [plan.stem, ...convLayers(plan)];
  const widths = { ...channels, ...fixedWidths(plan) };
  const convs = planned.map((layer) => toLayer(layer, widths, batch));
  const classifier = classifierLayer(plan, widthOf(plan.headInput, widths), batch);
  return {
    layers: [...convs, classifier],
    weighted: [...planned, { ...plan.stem, edge: undefined, op: undefined }],
    structure: undefined as CostStructure | undefined,
  };
}

/** Today's channel cost: network-wide sums, a layer's input the widest soft count feeding it. */
function networkChannelCost(
  plan: NetworkPlan,
  search: ChannelSlots,
  surface: CostSurface,
  hardware: SimConfig,
  hardwareBatch: number,
): ChannelCost {
  const { slots } = search;
  const { topWidths, softCounts } = channelPrologue(search);
  const inChannels = search.fixed.input;
  const { layers } = costedLayers(plan, topWidths, hardwareBatch);
  const bridge = costBridge(surface, layers, hardware);
  // Constants after the slots: the image channels, 0 (padding for max), the class count, the
  // stem's fixed width.
  const input = slots.length;
  const pad = slots.length + 1;
  const classes = slots.length + 2;
  const stem = slots.length + 3;
  const index = (slot: string) =>
    slot === "input" ? input : slot === "stem" ? stem : slots.indexOf(slot);
  const convs = [plan.stem, ...convLayers(plan)];
  const sources: WidthSet[] = [...convs.map((l) => l.input), plan.headInput];
  const widestSet = Math.max(...sources.map((set) => set.length));
  const inputIndex = sources.map((set) => [
    ...set.map(index),
    ...Array(widestSet - set.length).fill(pad),
  ]);
  const inputColumns = Array.from({ length: widestSet }, (_, k) => inputIndex.map((row) => row[k]));
  const outputIndex = [...convs.map((l) => index(l.slot)), classes];
  const weights = Array(layers.length).fill(1);
  // The classifier flattens its input: headSize² features per channel.
  const inScale = tf.tensor1d([...convs.map(() => 1), plan.headSize * plan.headSize]);
  return {
    bridge,
    evaluate: (channelWeights) => {
      const constants = [inChannels, 0, plan.classes, plan.stemChannels];
      const extended = tf.concat([softCounts(channelWeights), tf.tensor1d(constants)]);
      const candidates = inputColumns.map((column) =>
        selectByIndex(extended as tf.Tensor1D, column),
      );
      const widestIn = tf.max(tf.stack(candidates, 1), 1);
      const cIn = tf.mul(widestIn, inScale) as tf.Tensor1D;
      const fOut = selectByIndex(extended as tf.Tensor1D, outputIndex);
      return networkTerms(bridge(cIn, fOut), tf.tensor1d(weights));
    },
  };
}
