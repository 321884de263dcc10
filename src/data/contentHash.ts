/**
 * A data folder's content hash, so a queue worker can tell that its copy of `--data` holds the
 * same bytes as the coordinator's: SHA-256 over every file (in filesUnder's order; each relative
 * path, its size, then its bytes). Dotfiles are left out; everything else counts, READMEs
 * included, because a copy is expected to be whole.
 */
import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { join } from "node:path";
import { filesUnder } from "../files/filesUnder.js";

export async function folderHash(folder: string): Promise<string> {
  const hash = createHash("sha256");
  for (const name of filesUnder(folder)) {
    const path = join(folder, name);
    hash.update(`${name}\0${statSync(path).size}\0`);
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  }
  return hash.digest("hex");
}
