import type { ArrayShape } from "../engine/network.js";
import { parseArrayShape, parsePositiveInteger } from "./options.js";

/** "a, b,,c" → ["a", "b", "c"]; an empty list stays empty for the caller to refuse. */
export function listOf(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** "1,64" → [1, 64], each checked as the flag's positive integer. */
export function positiveIntegerList(text: string, flag: string): number[] {
  return listOf(text).map((item) => parsePositiveInteger(item, flag));
}

/** "128x128,128x64" → shapes, each checked as ROWSxCOLS. */
export function arrayShapeList(text: string, flag: string): ArrayShape[] {
  return listOf(text).map((item) => parseArrayShape(item, flag));
}
