/**
 * Layer records for the pieces the built-in spaces share. Activations (ReLU, ReLU6) are left
 * out: they hold no parameters and every cost model treats them as free.
 */
import type { Layer, LayerTypeName } from "../layers/layer.js";
import { type Act, convLayer } from "../zoo/builders.js";

/** A square layer given by its output size. */
export function squareLayer(
  batch: number,
  name: string,
  type: LayerTypeName,
  shape: { k: number; c: number; f: number; size: number; stride?: number },
): Layer {
  const { k, c, f, size } = shape;
  return {
    name,
    type,
    k1: k,
    k2: k,
    c,
    f,
    h: size,
    w: size,
    stride: shape.stride ?? 1,
    dilation: 1,
    batch,
  };
}

/** A layer that keeps the activation as it is (identity, add, BN). */
export function sameShape(batch: number, name: string, type: LayerTypeName, x: Act): Layer {
  return squareLayer(batch, name, type, { k: 1, c: x.ch, f: x.ch, size: x.size });
}

/** A conv followed by its BN (2 parameters a channel), padded to keep size / stride. */
export function convBn(
  batch: number,
  name: string,
  x: Act,
  f: number,
  k: number,
  stride = 1,
  type: "conv" | "dwconv" = "conv",
): Layer[] {
  const conv = convLayer(batch, `${name}.conv`, x, f, k, stride, type);
  return [conv, sameShape(batch, `${name}.bn`, "bn", { size: conv.h, ch: f })];
}

/** The activation a list of layers ends in. */
export function outputOf(layers: readonly Layer[]): Act {
  const last = layers[layers.length - 1];
  return { size: last.h, ch: last.f };
}

/** Global average pool and the classifier on top of it. */
export function poolAndClassify(batch: number, x: Act, classes: number, fcName: string): Layer[] {
  return [
    squareLayer(batch, "global_pool", "pool", { k: x.size, c: x.ch, f: x.ch, size: 1 }),
    squareLayer(batch, fcName, "fc", { k: 1, c: x.ch, f: classes, size: 1 }),
  ];
}
