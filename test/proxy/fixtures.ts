import { uboostSpace } from "../../src/model/space.js";
import { cifarShape, defaultChannels, type SampleSpace } from "../../src/proxy/sample.js";

/** The built-in space in the CIFAR layout with the paper's channel range, at a given batch. */
export function builtinSample(batch: number): SampleSpace {
  return { space: uboostSpace, shape: cifarShape, channels: defaultChannels, batch };
}
