import { InputError } from "../errors.js";
import type { Layer } from "../layers/layer.js";
import { mobilenetv2 } from "./mobilenetv2.js";
import { resnet18, resnet50 } from "./resnet.js";
import { vgg16 } from "./vgg.js";

/** Built-in ImageNet (224×224, 1000-class) networks, by the name the CLI accepts. */
export const zoo: Record<string, (batch: number) => Layer[]> = {
  resnet18,
  resnet50,
  vgg16,
  mobilenetv2,
};

export function zooNames(): string[] {
  return Object.keys(zoo);
}

export function zooNetwork(name: string, batch: number): Layer[] {
  // Own-property check so names like "toString" are rejected rather than called.
  if (!Object.hasOwn(zoo, name)) {
    throw new InputError(`unknown network "${name}" (known: ${zooNames().join(", ")})`);
  }
  return zoo[name](batch);
}
