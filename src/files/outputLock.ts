/**
 * An exclusive lock on an output file for the length of a run: `FILE.lock`, created with O_EXCL,
 * holding the owner's pid. A second run on the same output refuses with one line instead of
 * writing every row a second time. A lock whose pid is no longer alive on this machine was left
 * by a killed run (kill -9 skips every cleanup) and is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { InputError } from "../errors.js";

/** Takes the lock on `path`; returns its release. */
export function lockOutput(path: string, flag: string): () => void {
  const lockPath = `${path}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EEXIST")
        throw new InputError(`${flag} ${path}: cannot create ${lockPath} (${code})`);
      const owner = ownerOf(lockPath);
      if (attempt > 0 || isAlive(owner)) {
        throw new InputError(
          `${flag} ${path}: another uboost run (pid ${owner}) is writing it; wait for it, or remove ${lockPath} if that run is gone`,
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
}

/** The pid of the live run writing `path`, or undefined when none is (no lock, or a stale one). */
export function lockOwner(path: string): number | undefined {
  const owner = ownerOf(`${path}.lock`);
  return isAlive(owner) ? owner : undefined;
}

function ownerOf(lockPath: string): number {
  try {
    return Number.parseInt(readFileSync(lockPath, "utf8"), 10);
  } catch {
    return Number.NaN;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
