/**
 * The sweep's figures as Vega-Lite specs: utilization against a family's swept channel count,
 * exact and smooth (the paper's Fig. 4), utilization over a family's two swept fields (a
 * heatmap, e.g. input × output channels), and network utilization over array shapes.
 */
import type { TopLevelSpec } from "vega-lite";
import type { FamilyCurve } from "../sweep/curves.js";
import type { SweepResult } from "../sweep/run.js";
import type { BestArray, SummaryEntry } from "../sweep/summary.js";

const fieldTitles: Record<string, string> = {
  c: "input channels c",
  f: "output channels f",
  h: "output height h",
  w: "output width w",
  k: "kernel size k",
  k1: "kernel height k1",
  k2: "kernel width k2",
  stride: "stride",
  dilation: "dilation",
};

const schema = "https://vega.github.io/schema/vega-lite/v6.json";

/**
 * Both heatmaps colour a cell by its utilization on one fixed 0–100% viridis scale, so that
 * the same colour means the same utilization in every figure (a data-fitted domain would not).
 */
const utilizationColor = {
  field: "util",
  type: "quantitative" as const,
  title: "utilization",
  scale: { domain: [0, 1], scheme: "viridis" as const },
  legend: { format: "%" },
};

const utilizationTooltip = { field: "util", title: "utilization", format: ".1%" };

/** One line per array (colour), exact solid and smooth dashed; one panel per family and batch. */
export function utilizationCurveSpec(curves: FamilyCurve[], model: string): TopLevelSpec {
  const panels = [...new Set(curves.map(panelOf))];
  const values = curveValues(curves);
  const fields = [...new Set(curves.map((curve) => curve.fields[0]))];
  const xTitle = fields.length === 1 ? (fieldTitles[fields[0]] ?? fields[0]) : fields.join(" / ");
  const arrays = [...new Set(curves.map((curve) => curve.array))];
  const hasSmooth = values.some((value) => value.model === "smooth");
  const layer = curveLayer(xTitle, arrays, hasSmooth ? model : undefined);
  const title = `Utilization vs ${xTitle} (${model} model)`;
  if (panels.length === 1) {
    return { $schema: schema, title: `${title}: ${panels[0]}`, data: { values }, ...layer };
  }
  return {
    $schema: schema,
    title,
    data: { values },
    facet: { row: { field: "panel", type: "nominal", title: null, sort: panels } },
    spec: layer,
  };
}

function curveValues(curves: FamilyCurve[]) {
  return curves.flatMap((curve) =>
    curve.points.flatMap((point) => {
      const common = { value: point.values[0], array: curve.array, panel: panelOf(curve) };
      const exact = { ...common, util: point.util, model: "exact" };
      if (point.smoothUtil === null) return [exact];
      return [exact, { ...common, util: point.smoothUtil, model: "smooth" }];
    }),
  );
}

/** The line chart; `smoothModel` names the model when a smooth series is drawn dashed. */
function curveLayer(xTitle: string, arrays: string[], smoothModel: string | undefined) {
  const strokeDash = {
    field: "model",
    type: "nominal" as const,
    title: `${smoothModel} model`,
    sort: ["exact", "smooth"],
  };
  return {
    width: 640,
    height: 260,
    mark: { type: "line" as const, strokeWidth: 1.5, clip: true },
    encoding: {
      x: { field: "value", type: "quantitative" as const, title: xTitle, scale: { nice: false } },
      y: {
        field: "util",
        type: "quantitative" as const,
        title: "utilization",
        axis: { format: "%" },
        scale: { domain: [0, 1.05] },
      },
      color: { field: "array", type: "nominal" as const, title: "array", sort: arrays },
      ...(smoothModel === undefined ? {} : { strokeDash }),
      tooltip: [
        { field: "panel", title: "family" },
        { field: "array" },
        { field: "value", title: xTitle },
        { field: "model" },
        utilizationTooltip,
      ],
    },
  };
}

function panelOf(curve: FamilyCurve): string {
  return `${curve.family}, batch ${curve.batch}`;
}

/**
 * Networks down, arrays across, cells coloured and labelled by utilization; each row's fastest
 * array (`best`, the summary's) outlined.
 */
export function utilizationHeatmapSpec(
  entries: SummaryEntry[],
  model: string,
  best: readonly BestArray[] = [],
): TopLevelSpec {
  const batches = new Set(entries.map((entry) => entry.batch));
  const label = (entry: Pick<SummaryEntry, "network" | "batch">) =>
    batches.size === 1 ? entry.network : `${entry.network} (batch ${entry.batch})`;
  const fastest = new Set(best.map((entry) => `${label(entry)} ${entry.array}`));
  const values = entries.map((entry) => ({
    network: label(entry),
    array: entry.array,
    util: entry.util,
    runtimeMs: entry.runtimeMs,
    fastest: fastest.has(`${label(entry)} ${entry.array}`),
  }));
  const arrays = [...new Set(entries.map((entry) => entry.array))];
  const networks = [...new Set(values.map((value) => value.network))];
  const encoding = {
    x: {
      field: "array",
      type: "ordinal" as const,
      sort: arrays,
      title: "array (rows x cols)",
      axis: { labelAngle: 0 },
    },
    y: { field: "network", type: "ordinal" as const, sort: networks, title: null },
  };
  return {
    $schema: schema,
    title: {
      text: `Network utilization over array shapes (${model} model)`,
      ...(best.length > 0 ? { subtitle: "outlined: the fastest array of each row" } : {}),
    },
    data: { values },
    width: { step: 64 },
    height: { step: 28 },
    encoding,
    layer: [
      {
        mark: "rect",
        encoding: {
          color: utilizationColor,
          tooltip: [
            { field: "network" },
            { field: "array" },
            utilizationTooltip,
            { field: "runtimeMs", title: "runtime (ms)", format: ".4~g" },
            { field: "fastest", title: "fastest array of the row" },
          ],
        },
      },
      {
        mark: { type: "text", fontSize: 11 },
        encoding: {
          text: { field: "util", type: "quantitative", format: ".1~%" },
          color: { condition: { test: "datum.util > 0.6", value: "black" }, value: "white" },
        },
      },
      {
        transform: [{ filter: "datum.fastest" }],
        mark: { type: "rect", fill: null, stroke: "#e4572e", strokeWidth: 3 },
      },
    ],
  };
}

/**
 * Exact utilization over a family's two swept fields: one panel per array (columns) and batch
 * (rows); the field written first runs along x.
 */
export function familyHeatmapSpec(curves: FamilyCurve[], model: string): TopLevelSpec {
  const [xField, yField] = curves[0].fields;
  const values = curves.flatMap((curve) =>
    curve.points.map((point) => ({
      x: point.values[0],
      y: point.values[1],
      util: point.util,
      array: curve.array,
      panel: panelOf(curve),
    })),
  );
  const arrays = [...new Set(curves.map((curve) => curve.array))];
  const panels = [...new Set(curves.map(panelOf))];
  const title = (field: string) => fieldTitles[field] ?? field;
  return {
    $schema: schema,
    title: `Utilization over ${title(xField)} × ${title(yField)} (${model} model)`,
    data: { values },
    facet: {
      column: { field: "array", type: "nominal", title: "array", sort: arrays },
      row: { field: "panel", type: "nominal", title: null, sort: panels },
    },
    spec: {
      width: 320,
      height: 320,
      mark: { type: "rect" },
      encoding: {
        x: { field: "x", type: "ordinal", title: title(xField), axis: { labelOverlap: true } },
        y: {
          field: "y",
          type: "ordinal",
          title: title(yField),
          sort: "descending",
          axis: { labelOverlap: true },
        },
        color: utilizationColor,
        tooltip: [
          { field: "array" },
          { field: "x", title: xField },
          { field: "y", title: yField },
          utilizationTooltip,
        ],
      },
    },
  };
}

/**
 * A family sweep draws its curves (one swept field) or its heatmap (two); a sweep of whole
 * networks, the network × array heatmap.
 */
export function sweepPlotSpec(result: SweepResult, model: string): TopLevelSpec {
  const curves = result.curves.filter((curve) => curve.fields.length === 1);
  if (curves.length > 0) return utilizationCurveSpec(curves, model);
  const planes = result.curves.filter((curve) => curve.fields.length === 2);
  if (planes.length > 0) {
    const fields = planes[0].fields.join();
    return familyHeatmapSpec(
      planes.filter((plane) => plane.fields.join() === fields),
      model,
    );
  }
  return utilizationHeatmapSpec(result.summary.entries, model, result.summary.best);
}
