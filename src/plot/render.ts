/** Vega-Lite specs to SVG, headless: Vega lays the chart out and writes the SVG itself. */
import type { TopLevelSpec } from "vega-lite";

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded on first use: vega and vega-lite take ≈ 0.3 s to import, which every CLI command paid
  // at start-up when this module imported them statically.
  const [{ parse, View }, { compile }] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
