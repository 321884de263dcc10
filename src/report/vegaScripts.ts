/**
 * The chart libraries' browser builds, read from node_modules, so a report opens with no network:
 * vega, vega-lite (compiles the specs in the page) and vega-embed (tooltips, export menu), each a
 * UMD script that sets a global the next one reads.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const builds = [
  ["vega", "vega.min.js"],
  ["vega-lite", "vega-lite.min.js"],
  ["vega-embed", "vega-embed.min.js"],
] as const;

let cached: string[] | undefined;

/** The three scripts' texts, in load order. */
export function vegaScripts(): string[] {
  if (cached === undefined) {
    const require = createRequire(import.meta.url);
    // each package's entry point lies in its build/ folder, beside the minified browser build
    cached = builds.map(([name, file]) =>
      readFileSync(join(dirname(require.resolve(name)), file), "utf8"),
    );
  }
  return cached;
}
