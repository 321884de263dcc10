import { InputError, WorkerFailure } from "../errors.js";

/**
 * The CLI edge: a command's InputError becomes one line on stderr and exit code 2, a worker
 * thread that died one line and exit code 1; anything else is a bug in uboost and keeps its
 * stack trace (exit 1).
 */
export function reportFailure(error: unknown): never {
  if (error instanceof InputError) {
    process.stderr.write(`uboost: ${printableLine(error.message)}\n`);
    process.exit(2);
  }
  if (error instanceof WorkerFailure) {
    process.stderr.write(`uboost: ${printableLine(error.message)}\n`);
    process.exit(1);
  }
  process.stderr.write(`uboost: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
}

/** Past this a message is a file's garbage echoed back, not something to read. */
const longestMessage = 400;

/**
 * An error message as one line of printable text. Messages quote what the user gave, which may
 * be a binary file's bytes: control characters (an ESC starts a terminal escape sequence) are
 * shown as \xNN, invalid UTF-8 (decoded as U+FFFD) and invisible format characters as "?".
 */
export function printableLine(message: string): string {
  const line = message
    .replace(/\s*[\r\n]+\s*/g, " ")
    .replace(/[\p{Cc}]/gu, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`)
    .replace(/[\p{Cf}\p{Cs}\p{Co}\uFFFD]/gu, "?");
  const chars = Array.from(line);
  return chars.length > longestMessage ? `${chars.slice(0, longestMessage).join("")}…` : line;
}
