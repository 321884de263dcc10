/**
 * Predicted against measured cycles, log-log, one panel per cost model and one colour per layer
 * type and kernel; the diagonal is a perfect prediction.
 */
import type { TopLevelSpec } from "vega-lite";

export interface PredictionPoint {
  model: string;
  /** layer type and kernel, e.g. "conv 3×3" */
  group: string;
  measured: number;
  predicted: number;
}

const schema = "https://vega.github.io/schema/vega-lite/v6.json";

/** Points a panel draws at most: beyond a few hundred they only overlap and swell the SVG. */
const pointsPerPanel = 600;

/**
 * Distinct points only (many layers share their cycles: csim is flat in f across a column fold),
 * then every k-th of each panel in (layer type, measured) order, so every layer type and the whole
 * range stay drawn.
 */
function thinned(points: PredictionPoint[]): PredictionPoint[] {
  const seen = new Set<string>();
  const distinct = points.filter((p) => {
    const key = `${p.model}|${p.group}|${p.measured}|${p.predicted}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const models = [...new Set(distinct.map((p) => p.model))];
  return models.flatMap((model) => {
    const panel = distinct
      .filter((p) => p.model === model)
      .sort((a, b) => a.group.localeCompare(b.group) || a.measured - b.measured);
    const every = Math.ceil(panel.length / pointsPerPanel);
    return panel.filter((_, i) => i % every === 0);
  });
}

export function predictedVsMeasuredSpec(points: PredictionPoint[], title: string): TopLevelSpec {
  const models = [...new Set(points.map((p) => p.model))];
  const all = points.flatMap((p) => [p.measured, p.predicted]).filter((v) => v > 0);
  const [low, high] = [Math.min(...all), Math.max(...all)];
  const diagonal = models.flatMap((model) => [
    { model, measured: low, predicted: low, kind: "diagonal" },
    { model, measured: high, predicted: high, kind: "diagonal" },
  ]);
  const values = [...thinned(points).map((p) => ({ ...p, kind: "layer" })), ...diagonal];
  const axis = (field: string, axisTitle: string) => ({
    field,
    type: "quantitative" as const,
    scale: { type: "log" as const, domain: [low, high] },
    title: axisTitle,
  });
  return {
    $schema: schema,
    title,
    data: { values },
    facet: { column: { field: "model", type: "nominal", title: null, sort: models } },
    spec: {
      width: 220,
      height: 220,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'diagonal'" }],
          mark: { type: "line", color: "#888", strokeDash: [4, 3] },
          encoding: {
            x: axis("measured", "measured cycles"),
            y: axis("predicted", "predicted cycles"),
          },
        },
        {
          transform: [{ filter: "datum.kind === 'layer'" }],
          mark: { type: "point", filled: true, size: 12, opacity: 0.6 },
          encoding: {
            x: axis("measured", "measured cycles"),
            y: axis("predicted", "predicted cycles"),
            color: { field: "group", type: "nominal", title: "layer" },
          },
        },
      ],
    },
  };
}
