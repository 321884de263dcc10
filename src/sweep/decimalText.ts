/**
 * Numbers written straight into a byte buffer as ASCII, each exactly as JavaScript's String(n)
 * prints it, without String(n) where arithmetic gives the same digits: whole numbers digit by
 * digit, a runtime of whole cycles at a round clock as its cycle count with a point put in, and
 * most fractions by the shortest-digits search in writeFraction. String(fraction) costs ~150 ns
 * on the dev machine and was most of a CSV row's time.
 */
import { runtimeMsOf } from "../engine/network.js";

/**
 * A writer of String(runtimeMsOf(cycles, clockHz)) = String((cycles · 1e3) / clockHz).
 *
 * When 10^s · 1e3 / clockHz is a whole q (1 GHz: s = 6, q = 1; 250 MHz: s = 6, q = 4), the exact
 * runtime of whole cycles is the decimal d = cycles · q / 10^s. The division is one correctly
 * rounded operation on exact operands (cycles · 1e3 < 2^53), so the double is the one nearest d;
 * when d has at most 15 significant digits no other decimal of ≤ 15 digits rounds to that double
 * (doubles hold 15.95 digits), so d is String's shortest round-trip form, and String writes it
 * without an exponent for 1e-6 ≤ d < 1e21. Everything else (fractional cycles, clocks like
 * 700 MHz, huge counts) writes the division's double.
 */
export function runtimeMsWriter(
  clockHz: number,
): (bytes: Uint8Array, at: number, cycles: number) => number {
  const divided = (bytes: Uint8Array, at: number, cycles: number) =>
    writeNumber(bytes, at, runtimeMsOf(cycles, clockHz));
  const scale = exactScale(clockHz);
  if (scale === undefined) return divided;
  const { multiplier, decimals } = scale;
  // d ≥ 1e-6 ⟺ cycles · q ≥ 10^(s − 6); d has ≤ 15 digits ⟺ cycles · q < 10^15
  const smallest = decimals > 6 ? 10 ** (decimals - 6) : 1;
  return (bytes, at, cycles) => {
    const scaled = cycles * multiplier;
    const exact =
      Number.isInteger(cycles) &&
      cycles * 1e3 <= Number.MAX_SAFE_INTEGER &&
      scaled >= smallest &&
      scaled < 1e15;
    if (!exact) return divided(bytes, at, cycles);
    let digits = scaled;
    let fraction = decimals;
    for (
      let q = Math.floor(digits / 10);
      fraction > 0 && digits === 10 * q;
      q = Math.floor(q / 10)
    ) {
      digits = q;
      fraction--;
    }
    const high = Math.floor(digits / 1e8);
    const count = high > 0 ? digitCount(high) + 8 : digitCount(digits);
    return writePlaced(bytes, at, high, digits - high * 1e8, 8, count - fraction);
  };
}

/** The s and q of runtimeMsWriter, or undefined when no s ≤ 15 makes q whole. */
function exactScale(clockHz: number): { multiplier: number; decimals: number } | undefined {
  if (!Number.isSafeInteger(clockHz) || clockHz <= 0) return undefined;
  for (let decimals = 0; decimals <= 15; decimals++) {
    const numerator = 10 ** (decimals + 3); // exact: powers of ten up to 1e22 are doubles
    if (numerator % clockHz === 0) return { multiplier: numerator / clockHz, decimals };
  }
  return undefined;
}

/** 10^0 … 10^22, each exact as a double (5^22 < 2^53). */
const powersOfTen = Array.from({ length: 23 }, (_, i) => 10 ** i);
const twoTo53 = 2 ** 53;

/** Writes `text` (ASCII) at `at`; returns the end. */
export function writeAscii(bytes: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i);
  return at + text.length;
}

/** Writes `value` as String(value) would: whole numbers digit by digit, fractions by writeFraction. */
export function writeNumber(bytes: Uint8Array, at: number, value: number): number {
  if (Number.isInteger(value) && value >= 0 && value < twoTo53) {
    const high = Math.floor(value / 1e8);
    return writeDigits(bytes, at, high, value - high * 1e8, 8);
  }
  const end = writeFraction(bytes, at, value);
  return end >= 0 ? end : writeAscii(bytes, at, String(value));
}

/**
 * Writes String(x) for a fraction by arithmetic on doubles where that is provably the same;
 * returns the end, or −1 (nothing written) where it is not (then String(x), ~150 ns here
 * against ~40 ns). String(x) prints the fewest significant digits k whose decimal reads back as
 * x, and of those the one nearest x (ties to even). With n x's leading decimal place and
 * j = k − n:
 *
 * - A k-digit whole c < 2^53 reads back as x exactly when c / 10^j === x: both operands are
 *   exact and the division rounds once, as reading the decimal does.
 * - k = 15: at most one 15-digit decimal reads back as x (doubles hold 15.95 digits), and only
 *   round(x · 10^j) can. Fewer digits than 15 would read back padded to 15 too, so a miss here
 *   rules them all out.
 * - k = 16: of the few candidates near x · 10^j, two at most read back; the nearer is found from
 *   x · 10^j held exactly as a sum of two doubles (Dekker's product).
 * - k = 17: the 17-digit decimal nearest x always reads back; it is rounded from that product.
 *
 * Anything outside 1e-6 ≤ x < 1e15, near a power of ten, or with candidates at 2^53 or more
 * goes to String(x). The property test holds this to String over millions of doubles.
 */
export function writeFraction(bytes: Uint8Array, at: number, x: number): number {
  if (!(x >= 1e-6 && x < 1e15)) return -1;
  // n: 10^(n−1) ≤ x < 10^n (a guess below 1, where 10^−m are not exact; the digit counts check it)
  let n = 1;
  if (x >= 1) while (x >= powersOfTen[n]) n++;
  else {
    n = 0;
    while (x * powersOfTen[1 - n] < 1) n--;
  }
  // 15 digits or fewer. A c that reads back is within 0.111 of x · 10^j (half an ulp of x,
  // scaled), and p = x · 10^j rounded is within 0.0625 of that (p < 2^50), so only round(p),
  // and only when it is within 0.2 of p.
  let shift = 15 - n;
  if (shift < 0 || shift > 22) return -1;
  let scale = powersOfTen[shift];
  let p = x * scale;
  const nearest = Math.round(p);
  if (nearest <= 1e14 || nearest >= 1e15 - 1) return -1;
  if (Math.abs(p - nearest) < 0.2 && nearest / scale === x) {
    let digits = nearest;
    for (let q = Math.floor(digits / 10); digits === 10 * q; q = Math.floor(q / 10)) digits = q;
    const high = Math.floor(digits / 1e8);
    return writePlaced(bytes, at, high, digits - high * 1e8, 8, n);
  }
  // 16 digits (none ends in 0: it would have been found at 15). Below 2^53 a c that reads back
  // is within 1 of x · 10^j and p within 0.5 of that: the wholes in p ± 1.51, of which at most
  // two (neighbours) read back.
  shift = 16 - n;
  if (shift > 22) return -1;
  scale = powersOfTen[shift];
  p = x * scale;
  const first = Math.ceil(p - 1.51);
  const last = Math.floor(p + 1.51);
  if (first <= 1e15 || last >= 1e16) return -1;
  if (last >= twoTo53) return writeSixteenDigitsPast2To53(bytes, at, x, n, scale);
  let found = -1;
  for (let c = first; c <= last; c++) {
    if (c / scale !== x) continue;
    found = found < 0 ? c : nearerOfTwo(x, scale, found);
  }
  if (found >= 0) {
    const high = Math.floor(found / 1e8);
    return writePlaced(bytes, at, high, found - high * 1e8, 8, n);
  }
  return writeSeventeenDigits(bytes, at, x, n);
}

const scratch = new DataView(new ArrayBuffer(8));

/**
 * x's 16-digit form when its candidates pass 2^53 (x's digits from 9007199254740992 on, as
 * utilizations near 1 are), where c / 10^j no longer has an exact c. There p = x · 10^j is whole
 * and even, x · 10^j = p + e exactly, and a candidate c = p + d reads back when |d − e| is within
 * half x's gap to its neighbours, scaled: h = 2^(exponent − 53) · 10^j, exact; the edge counts
 * when x's last bit is 0 (reading rounds ties to even). Nearest and ties as String.
 */
function writeSixteenDigitsPast2To53(
  bytes: Uint8Array,
  at: number,
  x: number,
  n: number,
  scale: number,
): number {
  scratch.setFloat64(0, x, true);
  const high = scratch.getUint32(4, true);
  const low = scratch.getUint32(0, true);
  // a power of two has a gap below half the gap above: left to String
  if ((high & 0xfffff) === 0 && low === 0) return -1;
  const exponent = (high >>> 20) & 0x7ff; // x normal here: 1e-6 ≤ x < 1e15
  scratch.setUint32(4, (exponent - 53) << 20, true); // 2^(exponent − 1023 − 53)
  scratch.setUint32(0, 0, true);
  const halfGap = scratch.getFloat64(0, true) * scale;
  const evenLast = (low & 1) === 0;
  const p = x * scale;
  const e = productError(x, scale, p);
  // p's neighbours are 2 apart here, so |e| ≤ 1: the whole nearest p + e is p + d, ties to even
  // (p is even), and no other candidate reads back unless d does
  let d = Math.round(e);
  if (d - e === 0.5 && d % 2 !== 0) d--; // Math.round takes ties up
  const distance = d - e;
  // Knuth's two-sum: the rounding error of d − e, which must be none
  const back = distance - d;
  if (d - (distance - back) + (-e - back) !== 0) return -1;
  const size = Math.abs(distance);
  if (size > halfGap || (size === halfGap && !evenLast))
    return writeSeventeenDigits(bytes, at, x, n);
  let significandHigh = Math.floor(p / 1e8);
  let significandLow = p - significandHigh * 1e8 + d;
  if (significandLow < 0) {
    significandHigh--;
    significandLow += 1e8;
  } else if (significandLow >= 1e8) {
    significandHigh++;
    significandLow -= 1e8;
  }
  return writePlaced(bytes, at, significandHigh, significandLow, 8, n);
}

/**
 * Of neighbours c and c + 1 that both read back as x (two that do are at most 1 apart), the one
 * nearer x · scale, ties to even. x · scale = p + e exactly; p − c is exact (Sterbenz: |p − c| ≤ 2
 * near 1e15..2^53), and so is its difference from 1/2 (p's last bit is worth at least 1/8).
 */
function nearerOfTwo(x: number, scale: number, c: number): number {
  const p = x * scale;
  const e = productError(x, scale, p);
  const aboveHalf = p - c - 0.5;
  if (aboveHalf > -e) return c + 1;
  if (aboveHalf < -e) return c;
  return c % 2 === 0 ? c : c + 1;
}

/** x's 17-digit form (there always is one); −1 near a power of ten. */
function writeSeventeenDigits(bytes: Uint8Array, at: number, x: number, n: number): number {
  const shift = 17 - n;
  if (shift < 0 || shift > 22) return -1;
  const scale = powersOfTen[shift];
  const p = x * scale;
  const e = productError(x, scale, p);
  // p ≥ 1e16 > 2^53 is whole and even, so the whole nearest p + e is p + round(e), ties to even
  let step = Math.round(e);
  if (step - e === 0.5 && step % 2 !== 0) step--; // Math.round takes ties up
  // p + step is past 2^53: in two parts of 9 and 8 digits, each exact
  let high = Math.floor(p / 1e8);
  let low = p - high * 1e8 + step; // high · 1e8 = high · 5^8 · 2^8 is exact, so is the difference
  while (low < 0) {
    high--;
    low += 1e8;
  }
  while (low >= 1e8) {
    high++;
    low -= 1e8;
  }
  if (high < 1e8 || high >= 1e9) return -1;
  return writePlaced(bytes, at, high, low, 8, n);
}

/** e with a · b = p + e exactly, p = a · b rounded (Dekker's product; Veltkamp's split at 2^27 + 1). */
function productError(a: number, b: number, p: number): number {
  const aSplit = 134217729 * a;
  const aHigh = aSplit - (aSplit - a);
  const aLow = a - aHigh;
  const bSplit = 134217729 * b;
  const bHigh = bSplit - (bSplit - b);
  const bLow = b - bHigh;
  return aHigh * bHigh - p + aHigh * bLow + aLow * bHigh + aLow * bLow;
}

/**
 * Writes the significant digits high·10^lowWidth + low (no trailing zeros) with leading decimal
 * place n, laid out as String does for 1e-6 ≤ x < 1e21: 0.000ddd, dd.ddd or ddd000.
 */
function writePlaced(
  bytes: Uint8Array,
  at: number,
  high: number,
  low: number,
  lowWidth: number,
  n: number,
): number {
  let start = at;
  if (n <= 0) {
    bytes[start++] = 48; // "0."
    bytes[start++] = 46;
    for (let zero = 0; zero < -n; zero++) bytes[start++] = 48;
  }
  const count = high > 0 ? digitCount(high) + lowWidth : digitCount(low);
  if (n <= 0 || n >= count) {
    let end = writeDigits(bytes, start, high, low, lowWidth);
    for (let zero = count; zero < n; zero++) bytes[end++] = 48;
    return end;
  }
  // dd.ddd: the digits, then the fraction's digits moved right by one for the point
  const end = writeDigits(bytes, start, high, low, lowWidth);
  bytes.copyWithin(start + n + 1, start + n, end);
  bytes[start + n] = 46;
  return end + 1;
}

/** Writes high·10^lowWidth + low (high, low < 2^31) in decimal; returns the end. */
function writeDigits(
  bytes: Uint8Array,
  at: number,
  high: number,
  low: number,
  lowWidth: number,
): number {
  if (high === 0) return writeSmall(bytes, at, low, digitCount(low));
  const end = writeSmall(bytes, at, high, digitCount(high));
  return writeSmall(bytes, end, low, lowWidth);
}

/** "00" … "99" as ASCII pairs: two digits a division. */
const digitPairs = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  digitPairs[2 * i] = 48 + Math.floor(i / 10);
  digitPairs[2 * i + 1] = 48 + (i % 10);
}

/** Writes 0 ≤ value < 2^31 as exactly `width` digits (zero-padded); returns the end. */
function writeSmall(bytes: Uint8Array, at: number, value: number, width: number): number {
  let rest = value | 0;
  let i = at + width;
  while (i - at >= 2) {
    const quotient = (rest / 100) | 0;
    const pair = 2 * (rest - 100 * quotient);
    i -= 2;
    bytes[i] = digitPairs[pair];
    bytes[i + 1] = digitPairs[pair + 1];
    rest = quotient;
  }
  if (i > at) bytes[at] = 48 + rest;
  return at + width;
}

function digitCount(value: number): number {
  if (value < 1e4) return value < 10 ? 1 : value < 100 ? 2 : value < 1000 ? 3 : 4;
  if (value < 1e8) return value < 1e5 ? 5 : value < 1e6 ? 6 : value < 1e7 ? 7 : 8;
  let count = 9;
  for (let power = 1e9; power <= value; power *= 10) count++;
  return count;
}
