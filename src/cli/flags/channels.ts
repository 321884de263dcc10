import { InputError } from "../../errors.js";
import type { ChannelRange } from "../../search/settings.js";

/**
 * "64:280:8" → widths 64, 72, …, 280, for search, pareto and proxy alike: MIN:MAX:STEP, all three
 * given (a default step would be a guess, and a step of 1 a huge supernet), 1 <= MIN <= MAX,
 * STEP >= 1; MAX is a width when it lies on the grid.
 */
export function parseChannelRange(spec: string, flag = "--channels"): ChannelRange {
  const match = /^\s*(\d+)\s*:\s*(\d+)\s*:\s*(\d+)\s*$/.exec(spec);
  const [min, max, step] = match ? match.slice(1).map(Number) : [];
  if (!match || min < 1 || step < 1 || max < min) {
    throw new InputError(
      `${flag}: expected MIN:MAX:STEP with 1 <= MIN <= MAX and STEP >= 1, such as 64:280:8 (got "${spec}")`,
    );
  }
  return { min, max, step };
}
