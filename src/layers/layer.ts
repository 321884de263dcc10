/**
 * A layer as the cost models see it. h × w is the layer's OUTPUT size (paper §3.2): the systolic
 * array streams one input row per output pixel, so cycles scale with the output, not the input.
 * stride and dilation do not change cycles; they recover the input size for memory traffic.
 */
export interface Layer {
  name: string;
  type: LayerTypeName;
  k1: number;
  k2: number;
  /** input channels */
  c: number;
  /** output channels (equal to c for dwconv) */
  f: number;
  h: number;
  w: number;
  stride: number;
  dilation: number;
  batch: number;
}

export const layerTypeNames = [
  "conv",
  "dilconv",
  "dwconv",
  "dws",
  "fc",
  "pool",
  "identity",
  "zero",
  "add",
  "bn",
  "relu",
] as const;

export type LayerTypeName = (typeof layerTypeNames)[number];

/**
 * Codes the WASM engine switches on (assembly/costModel.ts holds the same numbers). A dilated conv
 * maps onto the array exactly like a conv of the same k1 × k2 (dilation only spaces the taps), and
 * every op that moves no weights through the array costs nothing in this model.
 */
export const EngineKind = { conv: 0, dwconv: 1, dws: 2, fc: 3, free: 4 } as const;
export type EngineKind = (typeof EngineKind)[keyof typeof EngineKind];

export const engineKindOf: Record<LayerTypeName, EngineKind> = {
  conv: EngineKind.conv,
  dilconv: EngineKind.conv,
  dwconv: EngineKind.dwconv,
  dws: EngineKind.dws,
  fc: EngineKind.fc,
  pool: EngineKind.free,
  identity: EngineKind.free,
  zero: EngineKind.free,
  add: EngineKind.free,
  bn: EngineKind.free,
  relu: EngineKind.free,
};

export function isLayerTypeName(name: string): name is LayerTypeName {
  return (layerTypeNames as readonly string[]).includes(name);
}
