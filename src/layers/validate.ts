import { fieldError, InputError } from "../errors.js";
import { integerOfText } from "../integerText.js";
import { isLayerTypeName, type Layer, layerTypeNames } from "./layer.js";

const layerFields = ["name", "type", "k1", "k2", "c", "f", "h", "w", "stride", "dilation", "batch"];

/** A positive integer from a file cell or flag, in plain or exponent form (integerText.ts). */
export function positiveInteger(value: unknown, where: string, field: string): number {
  if (value === undefined || value === "") throw fieldError(where, field, "missing");
  const parsed =
    typeof value === "number"
      ? value
      : typeof value === "string"
        ? integerOfText(value)
        : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed <= 0) {
    throw fieldError(where, field, `must be a positive integer (got ${JSON.stringify(value)})`);
  }
  return parsed;
}

function optionalPositiveInteger(value: unknown, fallback: number, where: string, field: string) {
  return value === undefined || value === "" ? fallback : positiveInteger(value, where, field);
}

/**
 * Turns one raw record (a CSV row, a JSON object, or the single-layer flags) into a Layer.
 * `where` names the record for error messages, e.g. "layers.csv row 3".
 */
export function validateLayer(
  raw: Record<string, unknown>,
  where: string,
  defaultBatch: number,
): Layer {
  for (const key of Object.keys(raw)) {
    if (!layerFields.includes(key)) {
      throw fieldError(where, key, `unknown column (known: ${layerFields.join(", ")})`);
    }
  }
  const type = String(raw.type ?? "").trim();
  if (!isLayerTypeName(type)) {
    throw fieldError(
      where,
      "type",
      `unknown layer type "${type}" (known: ${layerTypeNames.join(", ")})`,
    );
  }
  const c = positiveInteger(raw.c, where, "c");
  const f = optionalPositiveInteger(raw.f, c, where, "f");
  if (type === "dwconv" && f !== c) {
    throw fieldError(where, "f", `a dwconv keeps its channels: f must equal c (${f} ≠ ${c})`);
  }
  const name = raw.name === undefined || raw.name === "" ? `${type}` : String(raw.name);
  return {
    name,
    type,
    k1: optionalPositiveInteger(raw.k1, 1, where, "k1"),
    k2: optionalPositiveInteger(raw.k2, 1, where, "k2"),
    c,
    f,
    // an fc layer is a 1×1 conv on a 1×1 map (README): its output size need not be given
    h:
      type === "fc"
        ? optionalPositiveInteger(raw.h, 1, where, "h")
        : positiveInteger(raw.h, where, "h"),
    w:
      type === "fc"
        ? optionalPositiveInteger(raw.w, 1, where, "w")
        : positiveInteger(raw.w, where, "w"),
    stride: optionalPositiveInteger(raw.stride, 1, where, "stride"),
    dilation: optionalPositiveInteger(raw.dilation, 1, where, "dilation"),
    batch: optionalPositiveInteger(raw.batch, defaultBatch, where, "batch"),
  };
}

export function requireNonEmpty<T>(items: T[], where: string): T[] {
  if (items.length === 0) throw new InputError(`${where}: no layers`);
  return items;
}
