import { mkdtemp, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { x as extract } from "tar";
import { InputError } from "../errors.js";

/**
 * Unpacks a .tar.gz into `dir` and returns the names it placed there. An archive whose entries
 * all sit in one top-level folder (cifar-10-binary.tar.gz holds `cifar-10-batches-bin/…`) has
 * that folder's contents placed directly in `dir`. Everything is first unpacked into a hidden
 * staging folder inside `dir` and only then renamed into place, so a corrupt or interrupted
 * archive leaves none of its files behind; entries of the same name already in `dir` are replaced.
 */
export async function unpackTarball(archive: string, dir: string): Promise<string[]> {
  const staging = await mkdtemp(join(dir, ".unpack-"));
  try {
    await extractInto(archive, staging);
    const root = await contentRoot(staging);
    const names = (await readdir(root)).sort();
    for (const name of names) {
      await rm(join(dir, name), { recursive: true, force: true });
      await rename(join(root, name), join(dir, name));
    }
    return names;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function extractInto(archive: string, staging: string): Promise<void> {
  try {
    // strict: a truncated or corrupt archive is an error, not a warning and a partial tree.
    await extract({ file: archive, cwd: staging, strict: true });
  } catch (error) {
    throw new InputError(`${archive}: cannot unpack (${(error as Error).message})`);
  }
}

/** The single folder that wraps an archive's entries, or the staging folder itself. */
async function contentRoot(staging: string): Promise<string> {
  const entries = await readdir(staging, { withFileTypes: true });
  if (entries.length === 1 && entries[0].isDirectory()) return join(staging, entries[0].name);
  return staging;
}
