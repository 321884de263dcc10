import { InputError } from "../../errors.js";
import type { CellLayout } from "../../model/layout.js";
import { nonEmptyList } from "./lists.js";

/** "1,0,0,1" → [true, false, false, true]: one 0 or 1 per cell, 1 = a 2×2 max-pool after it. */
export function cellLayoutFlag(value: string | string[], flag: string): CellLayout {
  return nonEmptyList(value, flag, "cell (one 0 or 1 per cell)", poolAfterCell);
}

function poolAfterCell(item: string, flag: string): boolean {
  if (item !== "0" && item !== "1") {
    throw new InputError(
      `${flag}: expected one 0 or 1 per cell, 1 = a 2×2 max-pool after the cell (got "${item}")`,
    );
  }
  return item === "1";
}
