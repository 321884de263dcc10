/**
 * Comma-separated flags. One rule: an empty (or absent) flag is an empty list, which the caller
 * refuses if it needs an item; an empty item ("a,,b", "a,") is refused. A list flag given twice
 * (yargs then passes an array) adds up its lists.
 */
import type { ArrayShape } from "../../engine/network.js";
import { InputError } from "../../errors.js";
import { parseArrayShape } from "./arrayShape.js";
import { positiveInteger } from "./numbers.js";

export function listOf(value: string | string[] | undefined, flag: string): string[] {
  return [value ?? []].flat().flatMap((text) => {
    if (text.trim() === "") return [];
    const items = text.split(",").map((item) => item.trim());
    if (items.includes("")) throw new InputError(`${flag}: empty item in "${text}"`);
    return items;
  });
}

/** At least one item, each parsed by `parse`. */
export function nonEmptyList<T>(
  value: string | string[] | undefined,
  flag: string,
  what: string,
  parse: (item: string, flag: string) => T,
): T[] {
  const items = listOf(value, flag).map((item) => parse(item, flag));
  if (items.length === 0) throw new InputError(`${flag}: give at least one ${what}`);
  return items;
}

/** "1,64" → [1, 64], each a positive integer. */
export function positiveIntegerList(value: string | undefined, flag: string): number[] {
  return listOf(value, flag).map((item) => positiveInteger(item, flag));
}

/** "128x128,128x64" → shapes, each ROWSxCOLS. */
export function arrayShapeList(value: string | undefined, flag: string): ArrayShape[] {
  return listOf(value, flag).map((item) => parseArrayShape(item, flag));
}
