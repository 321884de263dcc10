import { InputError } from "../errors.js";

/**
 * The CLI edge: a command's InputError becomes one line on stderr and exit code 2; anything else
 * is a bug in uboost and keeps its stack trace (exit 1).
 */
export function reportFailure(error: unknown): never {
  if (error instanceof InputError) {
    process.stderr.write(`uboost: ${error.message.replace(/\s*\n\s*/g, " ")}\n`);
    process.exit(2);
  }
  process.stderr.write(`uboost: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
}
