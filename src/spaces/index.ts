/** The published search spaces `--space` names, each a file of its own. */
import { InputError } from "../errors.js";
import { fbnet } from "./fbnet.js";
import { mobilenetv2 } from "./mobilenetv2.js";
import { nasbench201 } from "./nasbench201.js";
import type { ArchSpace } from "./space.js";

export const spaces: Record<string, ArchSpace> = { nasbench201, mobilenetv2, fbnet };

export const spaceNames = Object.keys(spaces);

export function isSpaceName(name: string): boolean {
  return Object.hasOwn(spaces, name);
}

export function spaceByName(name: string, flag = "--space"): ArchSpace {
  if (!isSpaceName(name)) {
    throw new InputError(`${flag}: unknown space "${name}" (known: ${spaceNames.join(", ")})`);
  }
  return spaces[name];
}
