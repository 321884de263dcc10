import type { Layer, LayerTypeName } from "../layers/layer.js";

/** An activation between layers. Every zoo network is square, so one spatial size suffices. */
export interface Act {
  size: number;
  ch: number;
}

export const imagenetInput: Act = { size: 224, ch: 3 };
export const imagenetClasses = 1000;

/** PyTorch's output-size formula (floor division), for convs and pools alike. */
export function outSize(size: number, k: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - k) / stride) + 1;
}

function spatialLayer(
  batch: number,
  name: string,
  type: LayerTypeName,
  x: Act,
  f: number,
  k: number,
  stride: number,
  pad: number,
): Layer {
  const out = outSize(x.size, k, stride, pad);
  return { name, type, k1: k, k2: k, c: x.ch, f, h: out, w: out, stride, dilation: 1, batch };
}

/** A k×k conv (or depthwise conv, where f must equal x.ch) with torchvision's (k-1)/2 padding. */
export function convLayer(
  batch: number,
  name: string,
  x: Act,
  f: number,
  k: number,
  stride = 1,
  type: "conv" | "dwconv" = "conv",
): Layer {
  return spatialLayer(batch, name, type, x, f, k, stride, Math.floor((k - 1) / 2));
}

/**
 * Accumulates a network's layers while tracking the current activation, so each architecture
 * file only states its configuration table and block structure.
 */
export class NetBuilder {
  readonly layers: Layer[] = [];
  x: Act;

  constructor(
    readonly batch: number,
    input: Act = imagenetInput,
  ) {
    this.x = input;
  }

  private push(layer: Layer): this {
    this.layers.push(layer);
    this.x = { size: layer.h, ch: layer.f };
    return this;
  }

  conv(name: string, f: number, k: number, stride = 1): this {
    return this.push(convLayer(this.batch, name, this.x, f, k, stride));
  }

  dwconv(name: string, k: number, stride = 1): this {
    return this.push(convLayer(this.batch, name, this.x, this.x.ch, k, stride, "dwconv"));
  }

  pool(name: string, k: number, stride: number, pad = 0): this {
    return this.push(spatialLayer(this.batch, name, "pool", this.x, this.x.ch, k, stride, pad));
  }

  /** Global average pool: the window is the whole feature map. */
  globalPool(name: string): this {
    return this.pool(name, this.x.size, 1);
  }

  /** Fully connected; a spatial input is flattened first (VGG's 512×7×7 → 25088). */
  fc(name: string, f: number): this {
    const flat: Act = { size: 1, ch: this.x.size * this.x.size * this.x.ch };
    return this.push(spatialLayer(this.batch, name, "fc", flat, f, 1, 1, 0));
  }

  /**
   * Runs `body` (the residual branch) and then the add. When the branch changed the shape, the
   * shortcut becomes a 1×1 strided projection conv named `${prefix}.downsample` (ResNet option B).
   */
  residual(prefix: string, body: () => void): this {
    const input = this.x;
    body();
    const out = this.x;
    if (out.size !== input.size || out.ch !== input.ch) {
      const stride = input.size / out.size;
      this.layers.push(convLayer(this.batch, `${prefix}.downsample`, input, out.ch, 1, stride));
    }
    this.layers.push(spatialLayer(this.batch, `${prefix}.add`, "add", out, out.ch, 1, 1, 0));
    return this;
  }
}
