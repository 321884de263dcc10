/**
 * What `--data` names: a folder of CIFAR-10 binary files, or an ImageNet-style folder with train/
 * and val/ of one subfolder per class. tfjs-free, so the CLI can check a folder before it loads
 * tfjs or starts workers.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadCifar10 } from "./cifar10.js";
import { listImageFolder } from "./imageFolder.js";

/** The validation share of the search and of `uboost train`. */
export const heldOutForValidation = 0.1;

export const isImageFolders = (folder: string) =>
  existsSync(join(folder, "train")) && existsSync(join(folder, "val"));

/**
 * Throws the InputError loadTrainingData would for a missing or malformed folder, without
 * decoding an image folder's files.
 */
export async function checkDataFolder(folder: string): Promise<void> {
  if (isImageFolders(folder)) {
    listImageFolder(join(folder, "train"));
    listImageFolder(join(folder, "val"));
  } else {
    await loadCifar10(folder, { validationFraction: heldOutForValidation });
  }
}
