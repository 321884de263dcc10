/**
 * A problem with what the user gave us (a file, a flag, a row). The library throws it with enough
 * context to fix the input; only the CLI edge turns it into one line on stderr and exit code 2.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** "file.csv row 3, field c: must be a positive integer (got -1)" */
export function fieldError(where: string, field: string, problem: string): InputError {
  return new InputError(`${where}, field ${field}: ${problem}`);
}

/**
 * A run that could not finish for a reason outside the input (a worker thread died): the CLI
 * prints it as one line, exit code 1, no stack trace.
 */
export class WorkerFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkerFailure";
  }
}
