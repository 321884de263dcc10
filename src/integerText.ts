/**
 * Integers as users write them, in files and flags alike: plain digits ("1000000") or exponent
 * form ("1e6", "2.5e3"), whose value must come out a whole number. "3.0", "1e-3", "0x10", "NaN"
 * and blanks are not integers; nothing is silently rounded.
 */
const integerPattern = /^\s*(\d+|\d+(\.\d+)?e\+?\d+)\s*$/i;

/** The integer a text denotes, or NaN. */
export function integerOfText(text: string): number {
  if (!integerPattern.test(text)) return Number.NaN;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : Number.NaN;
}
