import { InputError } from "../../errors.js";
import { positiveInteger } from "./numbers.js";

/** --input-shape "1x3x224x224" (N×C×H×W, any rank): an ONNX model's input dims. */
export function parseInputShape(spec: string | undefined): number[] | undefined {
  if (spec === undefined) return undefined;
  const parts = String(spec).split(/[xX×]/);
  if (parts.some((part) => part.trim() === "")) {
    throw new InputError(`--input-shape: expected dims such as 1x3x224x224 (got "${spec}")`);
  }
  return parts.map((part) => positiveInteger(part.trim(), "--input-shape"));
}

export const inputShapeOption = {
  type: "string",
  describe: "ONNX models: input dims such as 1x3x224x224, needed for dynamic ones",
} as const;
