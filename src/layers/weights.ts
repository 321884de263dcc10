import type { Layer } from "./layer.js";

/** Weights a layer holds (its MACs per output pixel and batch item); pools and adds hold none. */
export function layerWeights(layer: Layer): number {
  const taps = layer.k1 * layer.k2;
  switch (layer.type) {
    case "conv":
    case "dilconv":
    case "fc":
      return taps * layer.c * layer.f;
    case "dwconv":
      return taps * layer.c;
    case "dws":
      return taps * layer.c + layer.c * layer.f;
    default:
      return 0;
  }
}

/**
 * Trainable parameters as PyTorch counts them for the networks the built-in spaces describe:
 * weights, a BN layer's scale and shift, and a classifier's bias (their convs have no bias).
 */
export function layerParameters(layer: Layer): number {
  if (layer.type === "bn") return 2 * layer.c;
  if (layer.type === "fc") return layerWeights(layer) + layer.f;
  return layerWeights(layer);
}
