/** A report of whatever the path holds (detect.ts), ready for page.ts. */
import { detectReport } from "./detect.js";
import type { Report } from "./report.js";
import { searchReport } from "./searchReport.js";
import { trainReport } from "./trainReport.js";

export function buildReport(path: string): Report {
  const kind = detectReport(path);
  switch (kind) {
    case "search":
      return searchReport(path);
    case "train":
      return trainReport(path);
    case "pareto":
      throw new Error("todo");
  }
}
