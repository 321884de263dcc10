import type { ArrayShape } from "../../engine/network.js";
import { InputError } from "../../errors.js";
import { positiveInteger } from "../../layers/validate.js";

/** "128x64" → 128 rows × 64 columns; a sign is read so that "-8x8" is refused for its rows. */
export function parseArrayShape(spec: string, flag = "--array"): ArrayShape {
  const match = /^\s*([+-]?\d+)\s*[xX×]\s*([+-]?\d+)\s*$/.exec(String(spec));
  if (!match) throw new InputError(`${flag}: expected ROWSxCOLS such as 128x128 (got "${spec}")`);
  return {
    rows: positiveInteger(match[1], flag, "rows"),
    cols: positiveInteger(match[2], flag, "cols"),
  };
}
