/**
 * Numbers from flags, one rule and one message for each kind: integers as layer files read them
 * (integerText.ts: digits, or exponent form with a whole value); other numbers are anything
 * Number() reads, but not blank. Errors read `--flag: must be <kind> (got "<text>")`.
 */
import { InputError } from "../../errors.js";
import { integerOfText } from "../../integerText.js";

function refuse(flag: string, kind: string, value: unknown): never {
  throw new InputError(`${flag}: must be ${kind} (got ${JSON.stringify(value)})`);
}

function integerOf(value: unknown): number {
  if (typeof value === "number") return value;
  return integerOfText(String(value));
}

function numberOf(value: unknown): number {
  if (typeof value === "number") return value;
  const text = String(value).trim();
  return text === "" ? Number.NaN : Number(text);
}

export function positiveInteger(value: unknown, flag: string): number {
  const parsed = integerOf(value);
  if (!Number.isSafeInteger(parsed) || parsed <= 0) refuse(flag, "a positive integer", value);
  return parsed;
}

export function nonNegativeInteger(value: unknown, flag: string): number {
  const parsed = integerOf(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) refuse(flag, "an integer >= 0", value);
  return parsed;
}

export function positiveNumber(value: unknown, flag: string): number {
  const parsed = numberOf(value);
  if (!Number.isFinite(parsed) || parsed <= 0) refuse(flag, "a positive number", value);
  return parsed;
}

export function nonNegativeNumber(value: unknown, flag: string): number {
  const parsed = numberOf(value);
  if (!Number.isFinite(parsed) || parsed < 0) refuse(flag, "a number >= 0", value);
  return parsed;
}

/** Seeds are integers >= 0 everywhere (search, train, pareto, proxy, bench). */
export const seedOf = (value: unknown, flag = "--seed") => nonNegativeInteger(value, flag);

/** The --seed option of every seeded command. */
export const seedOption = {
  type: "string",
  default: "0",
  describe: "random seed, an integer >= 0",
} as const;
