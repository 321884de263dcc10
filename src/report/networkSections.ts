/**
 * The sections every report of a searched network shares: the cell drawn as a graph, the channel
 * probabilities per layer, and the network on the simulator (per-layer table, PE-cycle bars).
 */
import type { SimConfig } from "../hw/simulator/config.js";
import { simulateNetwork } from "../hw/simulator/simulate.js";
import { type ArchFile, archNetwork } from "../model/archFile.js";
import { planLayers } from "../model/plan.js";
import type { SearchSpace } from "../model/space.js";
import { cellDiagram, cellGraph } from "../pareto/cell.js";
import { cellSpec } from "../plot/paretoCell.js";
import type { ProbabilitiesRow } from "../search/searchState.js";
import { type ChartSpec, plotChart, type ReportSection, section } from "./report.js";
import {
  type ChannelProbability,
  channelProbabilityChart,
  type ExpectedWidth,
  expectedWidthChart,
  type OpProbability,
  opProbabilityChart,
  type PeCyclePart,
  peCycleChart,
  peCycleParts,
} from "./runCharts.js";

export const edgeName = ([from, to]: readonly [string, string]) => `${from}→${to}`;

/**
 * The micro stage's op probabilities per edge over its epochs (probabilities.jsonl); a run from
 * before that file shows the final probabilities of arch.json as one column.
 */
export function opProbabilitySection(
  space: SearchSpace,
  history: readonly ProbabilitiesRow[],
  arch: ArchFile | undefined,
): { section: ReportSection; cells: OpProbability[] } | undefined {
  const edges = space.edges.map(edgeName);
  const ops = Object.keys(space.ops);
  const rows = history.filter((row) => row.stage === "micro");
  const cells: OpProbability[] = rows.flatMap((row) =>
    row.probabilities.flatMap((perOp, edge) =>
      perOp.map((probability, op) => ({
        edge: edges[edge],
        op: ops[op],
        epoch: row.epoch,
        probability,
      })),
    ),
  );
  let note = "darker: more likely; the op each edge keeps is its darkest at the last epoch";
  if (cells.length === 0 && arch !== undefined) {
    note = "final probabilities only: this run has no probabilities.jsonl";
    arch.edges.forEach((edge) => {
      for (const op of ops)
        cells.push({
          edge: edgeName([edge.from, edge.to]),
          op,
          epoch: 1,
          probability: edge.probabilities[op] ?? 0,
        });
    });
  }
  if (cells.length === 0) return undefined;
  return {
    section: section("Operations", [opProbabilityChart(cells, edges, ops)], [], note),
    cells,
  };
}

/**
 * The chosen cell as a graph, each layer's channel probabilities, and, given the search's
 * probabilities.jsonl, each layer's expected width over the channel stage's epochs.
 */
export function architectureSection(
  arch: ArchFile,
  arrayCols: number,
  title: string,
  history: readonly ProbabilitiesRow[] = [],
) {
  const charts: ChartSpec[] = [
    plotChart(
      cellSpec(
        cellDiagram(cellGraph(arch)),
        title,
        "edges: op and its channels in cell 0/1/…; faded: pruned node",
      ),
    ),
  ];
  const searched = arch.channels.filter((entry) => entry.probabilities !== undefined);
  const options = [
    ...new Set(searched.flatMap((entry) => Object.keys(entry.probabilities ?? {}).map(Number))),
  ].sort((a, b) => a - b);
  const cells: ChannelProbability[] = searched.flatMap((entry) =>
    options.map((channels) => ({
      slot: entry.slot,
      channels,
      probability: entry.probabilities?.[String(channels)] ?? 0,
      chosen: channels === entry.channels,
    })),
  );
  const slots = searched.map((entry) => entry.slot);
  if (cells.length > 0) charts.push(channelProbabilityChart(cells, slots, options, arrayCols));
  const widths = expectedWidths(arch, history);
  if (widths.length > 0) charts.push(expectedWidthChart(widths, slots));
  const table = {
    columns: ["layer", "channels", "p"],
    rows: arch.channels.map((entry) => [
      entry.slot,
      entry.channels,
      entry.probabilities === undefined
        ? "fixed"
        : fixed(entry.probabilities[String(entry.channels)] ?? 0, 3),
    ]),
  };
  return {
    section: section("Chosen architecture", charts, [table]),
    channels: cells,
    expectedWidths: widths,
  };
}

/**
 * The channel stage's rows hold one probability per option for each searched layer, in
 * arch.json's order (the search writes both from the same slots and options).
 */
function expectedWidths(arch: ArchFile, history: readonly ProbabilitiesRow[]): ExpectedWidth[] {
  const searched = arch.channels.filter((entry) => entry.probabilities !== undefined);
  return history
    .filter((row) => row.stage === "channel" && row.probabilities.length === searched.length)
    .flatMap((row) =>
      row.probabilities.map((perOption, i) => {
        const options = Object.keys(searched[i].probabilities ?? {}).map(Number);
        const channels = perOption.reduce((sum, p, j) => sum + p * options[j], 0);
        return { slot: searched[i].slot, epoch: row.epoch, channels };
      }),
    );
}

/** The network an arch file describes, layer by layer on the cycle-level simulator. */
export function simulatorSection(arch: ArchFile, hardware: SimConfig, batch: number) {
  const { plan, channels } = archNetwork(arch);
  const layers = planLayers(plan, channels, batch);
  const simulation = simulateNetwork(layers, hardware);
  const pes = hardware.arrayRows * hardware.arrayCols;
  const names = layers.map((layer, i) => `${i + 1} ${layer.name}`);
  const parts: PeCyclePart[] = simulation.layers.flatMap((result, i) =>
    peCycleParts.map((part, order) => ({
      layer: names[i],
      part,
      peCycles: result.breakdown[part],
      share: result.cycles > 0 ? result.breakdown[part] / (result.cycles * pes) : 0,
      order,
    })),
  );
  const table = {
    columns: ["layer", "type", "c→f", "out", "cycles", "util", ...peCycleParts],
    rows: simulation.layers.map((result, i) => {
      const layer = layers[i];
      const shares = peCycleParts.map((part) =>
        result.cycles > 0 ? percentText(result.breakdown[part] / (result.cycles * pes)) : "-",
      );
      return [
        names[i],
        layer.type,
        `${layer.c}→${layer.f}`,
        `${layer.h}×${layer.w}`,
        Math.round(result.cycles).toLocaleString("en-US"),
        percentText(result.util),
        ...shares,
      ];
    }),
  };
  const { total } = simulation;
  const note = `array ${hardware.arrayRows}×${hardware.arrayCols}, batch ${batch}: ${Math.round(total.cycles).toLocaleString("en-US")} cycles, ${total.runtimeMs.toPrecision(4)} ms, utilization ${percentText(total.util)}`;
  return {
    section: section("Simulator", [peCycleChart(parts, names)], [table], note),
    simulator: {
      array: [hardware.arrayRows, hardware.arrayCols],
      batch,
      layers: simulation.layers.map((result, i) => ({
        name: layers[i].name,
        type: layers[i].type,
        c: layers[i].c,
        f: layers[i].f,
        cycles: result.cycles,
        util: result.util,
        breakdown: result.breakdown,
      })),
      total,
    },
  };
}

export const percentText = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;
const fixed = (value: number, digits: number) => value.toFixed(digits);
