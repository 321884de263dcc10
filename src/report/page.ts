/**
 * The report as one self-contained HTML file: the chart libraries inlined (vegaScripts.ts), each
 * chart's Vega-Lite spec and the report's data in JSON script blocks, tables as HTML, and links
 * to the files it came from. Under --watch a small script reloads the page, keeping its scroll.
 */
import { dirname, relative, sep } from "node:path";
import type { Report, ReportTable } from "./report.js";
import { vegaScripts } from "./vegaScripts.js";

export interface PageOptions {
  /** where the page is written: source links are relative to its folder */
  outFile: string;
  /** seconds between reloads (--watch); none when absent */
  reloadSeconds?: number;
}

export function reportPage(report: Report, options: PageOptions): string {
  const specs = report.sections.flatMap((part) => part.charts);
  let chart = 0;
  const sections = report.sections.map((part) => {
    const charts = part.charts.map(() => `<div class="chart" id="chart-${chart++}"></div>`);
    return [
      `<section><h2>${escapeHtml(part.heading)}</h2>`,
      part.note === undefined ? "" : `<p class="note">${escapeHtml(part.note)}</p>`,
      ...charts,
      ...part.tables.map(tableHtml),
      "</section>",
    ].join("\n");
  });
  const links = report.sources.map((path) => {
    const href = relative(dirname(options.outFile), path).split(sep).map(encodeURIComponent);
    return `<li><a href="${escapeHtml(href.join("/"))}">${escapeHtml(path)}</a></li>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(report.title)}</title>
<style>${style}</style>
${vegaScripts()
  .map((script) => `<script>${script}</script>`)
  .join("\n")}
</head>
<body data-kind="${escapeHtml(report.kind)}">
<h1>${escapeHtml(report.title)}</h1>
<p class="status">${escapeHtml(report.status)}${options.reloadSeconds ? ` · reloads every ${options.reloadSeconds} s` : ""}</p>
${sections.join("\n")}
<section><h2>Source files</h2><ul>${links.join("")}</ul>
<p class="note">The page's data as JSON: the script element with id "uboost-data".</p></section>
<script type="application/json" id="uboost-specs">${jsonInScript(specs)}</script>
<script type="application/json" id="uboost-data">${jsonInScript(report.data)}</script>
<script>${embedScript(options.reloadSeconds)}</script>
</body>
</html>
`;
}

const style = `body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 6px;border-bottom:1px solid #ddd}
.status,.note{color:#555;margin:4px 0 10px}.chart{display:inline-block;margin:6px 18px 12px 0;vertical-align:top}
table{border-collapse:collapse;margin:8px 0;font-size:13px}td,th{border:1px solid #ddd;padding:2px 8px;text-align:right;max-width:36em;overflow-wrap:anywhere}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}.failed{color:#b00}`;

/** Embeds every chart; a chart that fails says so in its place and on the console. */
function embedScript(reloadSeconds: number | undefined): string {
  const reload =
    reloadSeconds === undefined
      ? ""
      : `const key="uboost-scroll:"+location.pathname;
window.scrollTo(0,Number(sessionStorage.getItem(key)||0));
setTimeout(()=>{sessionStorage.setItem(key,String(window.scrollY));location.reload();},${reloadSeconds * 1000});`;
  return `const specs=JSON.parse(document.getElementById("uboost-specs").textContent);
const actions={export:true,source:false,compiled:false,editor:false};
Promise.all(specs.map((spec,i)=>vegaEmbed("#chart-"+i,spec,{renderer:"svg",actions}).catch((error)=>{
const place=document.getElementById("chart-"+i);place.className="chart failed";
place.textContent="Chart "+(i+1)+" could not be drawn: "+error.message;console.error(error);}))).then(()=>{
document.body.dataset.rendered="true";${reload}});`;
}

function tableHtml(table: ReportTable): string {
  const head = table.columns.map((name) => `<th>${escapeHtml(name)}</th>`).join("");
  const rows = table.rows.map(
    (row) => `<tr>${row.map((cell) => `<td>${escapeHtml(String(cell))}</td>`).join("")}</tr>`,
  );
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) =>
      ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char,
  );
}

/** JSON that cannot end its script element early: every "<" is written as \u003c. */
function jsonInScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}
