import Table from "cli-table3";
import { significant } from "../significant.js";

/**
 * An aligned, borderless text table with a rule under the header: the first `textColumns`
 * columns (names, types) are left-aligned, the figures after them right-aligned.
 */
export function renderTable(head: string[], rows: (string | number)[][], textColumns = 1): string {
  const table = new Table({
    head,
    chars: {
      top: "",
      "top-mid": "",
      "top-left": "",
      "top-right": "",
      bottom: "",
      "bottom-mid": "",
      "bottom-left": "",
      "bottom-right": "",
      left: "",
      "left-mid": "",
      mid: "",
      "mid-mid": "",
      right: "",
      "right-mid": "",
      middle: "  ",
    },
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0 },
    colAligns: head.map((_, i) => (i < textColumns ? "left" : "right")),
  });
  const rule = head.map((h, i) =>
    "-".repeat(Math.max(h.length, ...rows.map((r) => String(r[i]).length))),
  );
  table.push(rule, ...rows.map((row) => row.map(String)));
  return table.toString();
}

export const count = (value: number) => Math.round(value).toLocaleString("en-US");
export const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;
/** 4 significant digits, without toPrecision's trailing zeros or noise ("0.0001280" → 0.000128). */
export const milliseconds = (ms: number) => `${significant(ms, 4)} ms`;

/** The line under a network's table naming the ONNX ops costed as zero ("" when there are none). */
export function unsupportedLine(unsupported: Record<string, number> | undefined): string {
  const entries = Object.entries(unsupported ?? {});
  if (entries.length === 0) return "";
  const ops = entries.map(([op, n]) => `${op} ×${n}`).join(", ");
  return `\nunsupported ops, costed as zero: ${ops}`;
}
