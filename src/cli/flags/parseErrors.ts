/**
 * What yargs refuses, in the words of every other flag error: `--flag: problem (got …)`.
 */
import type { Arguments } from "yargs";
import { InputError } from "../../errors.js";

/**
 * The error a failed parse becomes. yargs passes its own complaints as text (unknown flag,
 * missing flag, a value outside `choices`) and rethrows what a coerce function threw as a YError
 * carrying its message; errors thrown by command handlers come through unchanged.
 */
export function parseFailure(message: string | null, error: Error | undefined): Error {
  if (error === undefined) return new InputError(choicesMessage(message ?? "invalid arguments"));
  if (error.name === "YError") return new InputError(error.message);
  return error;
}

/** "Invalid values:\n  Argument: preset, Given: "huge", Choices: "paper", "demo"" → one line. */
function choicesMessage(message: string): string {
  const problems = [...message.matchAll(/Argument: (\S+), Given: (.*), Choices: (.*)/g)];
  if (problems.length === 0) return message;
  return problems
    .map(([, flag, given, choices]) => {
      const known = choices.replaceAll('"', "");
      return `--${flag}: unknown value ${given} (known: ${known})`;
    })
    .join("; ");
}

/**
 * yargs turns a flag given twice into an array, which a command reading one value would
 * mishandle; only flags declared as arrays may repeat.
 */
export function refuseRepeatedFlags(argv: Arguments, yargs?: unknown): void {
  // yargs passes itself as the second argument (not in @types/yargs): its options are the command's
  const { array } = (yargs as { getOptions(): { array: string[] } }).getOptions();
  const repeatable = new Set(array);
  for (const [key, value] of Object.entries(argv)) {
    // camelCase keys are yargs's aliases of the kebab-case flags
    if (key === "_" || /[A-Z]/.test(key) || !Array.isArray(value)) continue;
    if (!repeatable.has(key)) throw new InputError(`--${key}: given more than once`);
  }
}
