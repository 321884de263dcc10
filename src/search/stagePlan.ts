import { formatLayout } from "../model/layout.js";
import { type NetworkPlan, type NetworkShape, planNetwork, widthOf } from "../model/plan.js";
import type { SearchSpace } from "../model/space.js";
import { type ChannelRange, channelOptions, type SearchSettings } from "./settings.js";

/** Image channels: the search reads RGB. */
export const inputChannels = 3;

/**
 * The network each stage trains: the micro stage's (its own layout, every conv at the fixed
 * micro width) and the channel stage's, whose layout the final network keeps.
 */
export function stageShapes(
  settings: SearchSettings,
  classes: number,
): { micro: NetworkShape; channel: NetworkShape } {
  const shape = (layout: boolean[]): NetworkShape => ({
    layout,
    resolution: settings.resolution,
    inChannels: inputChannels,
    stemChannels: settings.stemChannels,
    classes,
  });
  return { micro: shape(settings.microLayout), channel: shape(settings.channelLayout) };
}

export interface PlannedCellSummary {
  index: number;
  /** input (and output) side in px of the cell's convs */
  resolution: number;
  /** widths of x_p and x_pp as they arrive (the channel stage: at the widest option) */
  inChannels: { x_p: number; x_pp: number };
  /** every searched conv's width in this stage (the channel stage: the widest option) */
  channels: number;
  /** 2 when x_pp is at twice x_p's resolution */
  xppStride: number;
  poolAfter: boolean;
  /** side after the cell's max-pool, if any */
  outResolution: number;
}

export interface StageSummary {
  layout: string;
  /** the channel options the stage searches; absent when the widths are fixed */
  searchedChannels?: ChannelRange;
  cells: PlannedCellSummary[];
  head: { resolution: number; channels: number; features: number; classes: number };
}

export interface SearchPlanSummary {
  input: { resolution: number; channels: number };
  stem: {
    kernel: number;
    inChannels: number;
    outChannels: number;
    resolution: number;
    outResolution: number;
  };
  stages: { micro: StageSummary; channel: StageSummary };
}

/** What `uboost search --plan` prints: each stage's cells, the stem and the head, untrained. */
export function searchPlan(
  space: SearchSpace,
  settings: SearchSettings,
  classes: number,
): SearchPlanSummary {
  const shapes = stageShapes(settings, classes);
  const micro = planNetwork(space, shapes.micro);
  // Before the micro stage has chosen the cell, every op stands on every edge; the widths and
  // resolutions do not depend on the choice.
  const channel = planNetwork(space, shapes.channel);
  const widest = channelOptions(settings.channels).at(-1) as number;
  return {
    input: { resolution: settings.resolution, channels: inputChannels },
    stem: {
      kernel: micro.stem.k,
      inChannels: inputChannels,
      outChannels: settings.stemChannels,
      resolution: settings.resolution,
      outResolution: settings.resolution / 2,
    },
    stages: {
      micro: stageSummary(micro, settings.microLayout, settings.microChannels),
      channel: {
        ...stageSummary(channel, settings.channelLayout, widest),
        searchedChannels: settings.channels,
      },
    },
  };
}

function stageSummary(plan: NetworkPlan, layout: boolean[], width: number): StageSummary {
  const widths: Record<string, number> = { input: plan.inChannels, stem: plan.stemChannels };
  for (const cell of plan.cells) for (const layer of cell.layers) widths[layer.slot] = width;
  const headChannels = widthOf(plan.headInput, widths);
  return {
    layout: formatLayout(layout),
    cells: plan.cells.map((cell) => {
      const pre = (name: string) => cell.layers.find((layer) => layer.name === name);
      const preP = pre(`cell${cell.index}.pre_p`);
      const prePP = pre(`cell${cell.index}.pre_pp`);
      return {
        index: cell.index,
        resolution: cell.size,
        inChannels: {
          x_p: preP ? widthOf(preP.input, widths) : 0,
          x_pp: prePP ? widthOf(prePP.input, widths) : 0,
        },
        channels: width,
        xppStride: cell.reducePrevious ? 2 : 1,
        poolAfter: cell.poolAfter,
        outResolution: cell.poolAfter ? cell.size / 2 : cell.size,
      };
    }),
    head: {
      resolution: plan.headSize,
      channels: headChannels,
      features: plan.headSize * plan.headSize * headChannels,
      classes: plan.classes,
    },
  };
}
