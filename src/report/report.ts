import type { TopLevelSpec } from "vega-lite";
/**
 * What a report page holds, as plain data: sections of Vega-Lite charts and tables, the data
 * they were drawn from (the page's machine-readable copy) and the files it came from.
 */

/** A Vega-Lite spec as JSON; vega-embed compiles it in the page. */
export type ChartSpec = Record<string, unknown>;

export interface ReportTable {
  columns: string[];
  rows: (string | number)[][];
}

export interface ReportSection {
  heading: string;
  /** one line under the heading: what to look for, or why something is missing */
  note?: string;
  charts: ChartSpec[];
  tables: ReportTable[];
}

export interface Report {
  /** search | train | pareto | sweep | proxy */
  kind: string;
  title: string;
  /** where the run stands: "finished", or how far it got */
  status: string;
  /** false while the run is still writing (the page reloads itself under --watch) */
  finished: boolean;
  sections: ReportSection[];
  /** the figures the charts show, copied into the page for scripts */
  data: Record<string, unknown>;
  /** files the report read, as paths */
  sources: string[];
}

export const vegaLiteSchema = "https://vega.github.io/schema/vega-lite/v6.json";

export function section(
  heading: string,
  charts: ChartSpec[],
  tables: ReportTable[] = [],
  note?: string,
): ReportSection {
  return { heading, charts, tables, ...(note === undefined ? {} : { note }) };
}

/** Lets the user drag and wheel-zoom a chart's x and y scales (double-click resets). */
export const zoomParam = { name: "zoom", select: "interval", bind: "scales" } as const;

/** A figure of src/plot (typed by vega-lite) as a chart of the page. */
export const plotChart = (spec: TopLevelSpec) => spec as unknown as ChartSpec;
