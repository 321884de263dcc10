// Reference: torchvision.models.vgg16 (Simonyan & Zisserman 2014, configuration "D").
import type { Layer } from "../layers/layer.js";
import { imagenetClasses, NetBuilder } from "./builders.js";

/** Configuration "D" as stages of [conv width, conv count], each closed by a 2×2/2 max-pool. */
const stages: readonly (readonly [number, number])[] = [
  [64, 2],
  [128, 2],
  [256, 3],
  [512, 3],
  [512, 3],
];

export function vgg16(batch: number): Layer[] {
  const net = new NetBuilder(batch);
  // Names use torchvision's `features` indices, where a ReLU (omitted here) follows every conv.
  let idx = 0;
  for (const [width, n] of stages) {
    for (let i = 0; i < n; i++, idx += 2) net.conv(`features.${idx}`, width, 3);
    net.pool(`features.${idx++}`, 2, 2);
  }
  // torchvision's AdaptiveAvgPool2d((7, 7)) is the identity at 224×224 input, so it is omitted.
  net.fc("classifier.0", 4096).fc("classifier.3", 4096).fc("classifier.6", imagenetClasses);
  return net.layers;
}
