/**
 * SCALE-Sim topology files: `Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width,
 * Channels, Num Filter, Strides,` one layer a row, each row ending in a comma. SCALE-Sim pads
 * nothing: the IFMAP is the padded input and the output is ⌈(IFMAP − filter + stride) / stride⌉.
 * A layer whose name contains "DP" is depthwise (SCALE-Sim runs it as one single-channel conv per
 * channel). There is no batch column; SCALE-Sim runs one image.
 */
import { fieldError } from "../errors.js";
import { EngineKind, engineKindOf, type Layer } from "./layer.js";
import { positiveInteger, requireNonEmpty } from "./validate.js";

export const topologyHeader =
  "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,";

const columns = [
  "Layer name",
  "IFMAP Height",
  "IFMAP Width",
  "Filter Height",
  "Filter Width",
  "Channels",
  "Num Filter",
  "Strides",
];

/** Whether a layer file is a SCALE-Sim topology: its header starts with "Layer name". */
export function isTopology(text: string): boolean {
  return /^\s*layer name\s*,/i.test(text);
}

/**
 * The layers of a topology file. Rows take `batch` (SCALE-Sim has none); a 1×1 filter on a 1×1
 * IFMAP is an fc layer; text after the stride columns (SCALE-Sim ignores it) is ignored.
 */
export function readTopology(text: string, file: string, batch: number): Layer[] {
  const layers: Layer[] = [];
  text
    .split(/\r?\n/)
    .slice(1)
    .forEach((line, i) => {
      const cells = line.split(",").map((cell) => cell.trim());
      if (cells.every((cell) => cell === "" || cell.startsWith("#"))) return;
      layers.push(topologyLayer(cells, `${file} row ${i + 1}`, batch));
    });
  return requireNonEmpty(layers, file);
}

function topologyLayer(cells: string[], where: string, batch: number): Layer {
  const name = cells[0];
  if (name === "") throw fieldError(where, columns[0], "missing");
  const [inH, inW, k1, k2, c, f, stride] = columns
    .slice(1)
    .map((column, i) => positiveInteger(cells[i + 1], where, column));
  if (k1 > inH || k2 > inW) {
    throw fieldError(
      where,
      "Filter Height",
      `the filter (${k1}x${k2}) is larger than the IFMAP (${inH}x${inW})`,
    );
  }
  const h = Math.ceil((inH - k1 + stride) / stride);
  const w = Math.ceil((inW - k2 + stride) / stride);
  const base = { name, k1, k2, h, w, stride, dilation: 1, batch };
  if (name.includes("DP")) return { ...base, type: "dwconv", c, f: c };
  const fc = inH === 1 && inW === 1 && k1 === 1 && k2 === 1;
  return { ...base, type: fc ? "fc" : "conv", c, f };
}

/**
 * The layers the array runs as a topology file (free layers have no row). A layer's IFMAP is the
 * padded input that gives its output size; a batch of b images is stacked into the IFMAP's
 * height (the same GEMM: b·h·w rows), a dilated k×k conv is written as a k×k conv (the same GEMM
 * too), and a separable conv as its depthwise ("DP") and 1×1 rows.
 */
export function topologyCsv(layers: readonly Layer[]): string {
  const rows = layers.flatMap((layer) => topologyRows(layer));
  return `${[topologyHeader, ...rows].join("\n")}\n`;
}

function topologyRows(layer: Layer): string[] {
  const name = layer.name.replaceAll(",", "_");
  // Only a depthwise row may carry SCALE-Sim's "DP" marker.
  const plain = name.replaceAll("DP", "Dp");
  const { k1, k2, c, f, h, w, stride, batch } = layer;
  const row = (label: string, k: [number, number], inC: number, outF: number, s: number) => {
    const inH = (h * batch - 1) * s + k[0];
    const inW = (w - 1) * s + k[1];
    return `${label},${inH},${inW},${k[0]},${k[1]},${inC},${outF},${s},`;
  };
  switch (engineKindOf[layer.type]) {
    case EngineKind.conv:
      return [row(plain, [k1, k2], c, f, stride)];
    case EngineKind.dwconv:
      return [row(`${plain}_DP`, [k1, k2], c, 1, stride)];
    case EngineKind.dws:
      return [row(`${plain}_dw_DP`, [k1, k2], c, 1, stride), row(`${plain}_pw`, [1, 1], c, f, 1)];
    case EngineKind.fc:
      return [row(plain, [1, 1], c, f, 1)];
    default:
      return [];
  }
}
