/**
 * Output locations checked before any work starts, so a long run cannot fail at its end on a
 * path it was given at its start. Nothing is left behind: the check creates one probe entry in
 * the nearest existing folder and removes it. The probe is what catches /proc and its kind,
 * where Node 20's recursive mkdirSync loops forever (mkdir answers ENOENT for a parent that
 * exists, EEXIST for the parent itself) and where access() says yes to root.
 */
import { accessSync, constants, mkdtempSync, rmdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { InputError } from "../errors.js";

/** A folder an output goes into: an existing folder, or one that can be created. */
export function checkOutputFolder(path: string, flag: string): void {
  const kind = kindOf(path);
  if (kind === "file") throw new InputError(`${flag} ${path}: is a file, expected a folder`);
  if (kind === "folder") probe(path, path, flag);
  else probe(path, nearestExisting(path, flag), flag);
}

/** A file an output is written to: not a folder, in a folder that exists and takes new files. */
export function checkOutputFile(path: string, flag: string): void {
  if (kindOf(path) === "folder" || /[\\/]$/.test(path)) {
    throw new InputError(`${flag} ${path}: is a folder, expected a file`);
  }
  const parent = dirname(resolve(path));
  const parentKind = kindOf(parent);
  if (parentKind === "missing") {
    throw new InputError(`${flag} ${path}: folder ${parent} does not exist`);
  }
  if (parentKind === "file") throw new InputError(`${flag} ${path}: ${parent} is a file`);
  probe(path, parent, flag);
  if (kindOf(path) === "file") {
    try {
      accessSync(path, constants.W_OK);
    } catch (error) {
      throw new InputError(`${flag} ${path}: cannot write it (${reason(error)})`);
    }
  }
}

function kindOf(path: string): "missing" | "file" | "folder" {
  try {
    return statSync(path).isDirectory() ? "folder" : "file";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") return "missing";
    throw new InputError(`${path}: cannot inspect (${reason(error)})`);
  }
}

function nearestExisting(path: string, flag: string): string {
  let folder = resolve(path);
  for (;;) {
    const parent = dirname(folder);
    const kind = kindOf(parent);
    if (kind === "folder") return parent;
    if (kind === "file") throw new InputError(`${flag} ${path}: ${parent} is a file`);
    if (parent === folder) return parent;
    folder = parent;
  }
}

/** Creates and removes one temporary folder in `folder`: proof that outputs can go there. */
function probe(path: string, folder: string, flag: string): void {
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
    rmdirSync(mkdtempSync(join(folder, ".uboost-probe-")));
  } catch (error) {
    throw new InputError(`${flag} ${path}: cannot write in ${folder} (${reason(error)})`);
  }
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const known: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "not permitted",
    EROFS: "read-only file system",
    ENOENT: "the file system refuses new entries",
    ENOSPC: "no space left",
  };
  return (code !== undefined && known[code]) || code || String(error);
}
