/**
 * Measured layers: a layer table (the columns of `uboost cost --layers`) with each layer's
 * measured `cycles`, as in ../shared/data/csim-lookup/ (the authors' simulator, layer by layer).
 * Other columns (that folder's `util`) are read past: utilization follows from MACs and cycles.
 */
import { basename } from "node:path";
import { fieldError } from "../errors.js";
import { readText } from "../files/readFile.js";
import type { Layer } from "../layers/layer.js";
import { parseCsvRecords } from "../layers/readLayers.js";
import { requireNonEmpty, validateLayer } from "../layers/validate.js";

export interface MeasuredLayer {
  layer: Layer;
  cycles: number;
}

/** Columns that say what was measured rather than what the layer is. */
const measurementColumns = ["cycles", "util"];

export function readMeasuredLayers(path: string): MeasuredLayer[] {
  const file = basename(path);
  const records = parseCsvRecords(readText(path), file);
  const measured = records.map((record, i) => {
    const where = `${file} row ${i + 1}`;
    if (!("cycles" in record)) throw fieldError(where, "cycles", "missing (the measured cycles)");
    const cycles = Number(record.cycles);
    if (!(Number.isFinite(cycles) && cycles > 0)) {
      throw fieldError(where, "cycles", `must be a positive number (got ${record.cycles})`);
    }
    const layerColumns = Object.fromEntries(
      Object.entries(record).filter(([key]) => !measurementColumns.includes(key)),
    );
    return { layer: validateLayer(layerColumns, where, 1), cycles };
  });
  return requireNonEmpty(measured, file);
}
