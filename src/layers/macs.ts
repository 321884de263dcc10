import { EngineKind, engineKindOf, type Layer } from "./layer.js";

/** Multiply-accumulates of a layer over its whole batch (free layers: 0). */
export function macsOf(layer: Layer): number {
  const { k1, k2, c, f, h, w, batch } = layer;
  switch (engineKindOf[layer.type]) {
    case EngineKind.conv:
      return h * w * batch * k1 * k2 * c * f;
    case EngineKind.fc:
      return batch * c * f;
    case EngineKind.dwconv:
      return h * w * batch * k1 * k2 * c;
    case EngineKind.dws:
      return h * w * batch * (k1 * k2 * c + c * f);
    default:
      return 0;
  }
}

/** Multiply-accumulates of a list of layers. */
export function totalMacs(layers: readonly Layer[]): number {
  return layers.reduce((sum, layer) => sum + macsOf(layer), 0);
}
