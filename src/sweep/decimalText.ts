/**
 * A row's runtime as text without formatting a double: String(runtimeMsOf(cycles, clockHz))
 * costs ~150 ns a row (a shortest round-trip search), while a whole cycle count at a round
 * clock is its digits with a decimal point put in.
 */

/**
 * The text String(runtimeMsOf(cycles, clockHz)) = String((cycles · 1e3) / clockHz), for every
 * cycle count.
 *
 * When 10^s · 1e3 / clockHz is a whole q (1 GHz: s = 6, q = 1; 250 MHz: s = 6, q = 4), the exact
 * runtime of whole cycles is the decimal d = cycles · q / 10^s. The division is one correctly
 * rounded operation on exact operands (cycles · 1e3 < 2^53), so the double is the one nearest d;
 * when d has at most 15 significant digits no other decimal of ≤ 15 digits rounds to that double
 * (doubles hold 15.95 digits), so d is String's shortest round-trip form, and String writes it
 * without an exponent for 1e-6 ≤ d < 1e21. Everything else (fractional cycles, clocks like
 * 700 MHz, huge counts) goes through String of the division.
 */
export function runtimeMsText(clockHz: number): (cycles: number) => string {
  const divided = (cycles: number) => String((cycles * 1e3) / clockHz);
  const scale = exactScale(clockHz);
  if (scale === undefined) return divided;
  const { multiplier, decimals } = scale;
  // d ≥ 1e-6 ⟺ cycles · q ≥ 10^(s − 6); d has ≤ 15 digits ⟺ cycles · q < 10^15
  const smallest = decimals > 6 ? 10 ** (decimals - 6) : 1;
  return (cycles) => {
    const scaled = cycles * multiplier;
    const exact =
      Number.isInteger(cycles) &&
      cycles * 1e3 <= Number.MAX_SAFE_INTEGER &&
      scaled >= smallest &&
      scaled < 1e15;
    return exact ? scaledDecimal(scaled, decimals) : divided(cycles);
  };
}

/** The s and q of runtimeMsText, or undefined when no s ≤ 15 makes q whole. */
function exactScale(clockHz: number): { multiplier: number; decimals: number } | undefined {
  if (!Number.isSafeInteger(clockHz) || clockHz <= 0) return undefined;
  for (let decimals = 0; decimals <= 15; decimals++) {
    const numerator = 10 ** (decimals + 3); // exact: powers of ten up to 1e22 are doubles
    if (numerator % clockHz === 0) return { multiplier: numerator / clockHz, decimals };
  }
  return undefined;
}

const zeros = "0".repeat(16);

/** The whole `scaled` (≥ 1) over 10^decimals in plain decimal, without trailing zeros. */
function scaledDecimal(scaled: number, decimals: number): string {
  let digits = scaled;
  let fraction = decimals;
  while (fraction > 0 && digits % 10 === 0) {
    digits /= 10;
    fraction--;
  }
  const text = String(digits);
  if (fraction === 0) return text;
  const whole = text.length - fraction;
  if (whole > 0) return `${text.slice(0, whole)}.${text.slice(whole)}`;
  return `0.${zeros.slice(0, -whole)}${text}`;
}
