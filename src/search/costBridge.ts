import * as tf from "@tensorflow/tfjs";
import type { SimConfig } from "../hw/simulator/config.js";
import type { Layer } from "../layers/layer.js";
import type { CostSurface } from "./costSurface.js";

/**
 * Every costed layer's runtime and ideal time (ms at the hardware batch) as differentiable
 * functions of its (possibly soft) input and output channels. Forward reads the cost surface (the
 * WASM engine for systolic/pipelined); backward chains its ∂/∂channels into tfjs autodiff, so the
 * cost terms built on top (src/search/costRules.ts) need no hand-written gradients.
 *
 *   runtime_l = cycles_l / clock,  ideal_l = MACs_l / (PEs · clock),  util_l = ideal_l / runtime_l
 */
export interface CostBridge {
  (inChannels: tf.Tensor1D, outChannels: tf.Tensor1D): LayerCosts;
  /** milliseconds spent in the cost surface so far (the engine's share of a step) */
  surfaceMs: () => number;
}

export interface LayerCosts {
  runtimeMs: tf.Tensor1D;
  idealMs: tf.Tensor1D;
}

export function costBridge(
  surface: CostSurface,
  layers: readonly Layer[],
  hardware: SimConfig,
): CostBridge {
  const pes = hardware.arrayRows * hardware.arrayCols;
  const msPerCycle = 1e3 / hardware.clockHz;
  const n = layers.length;
  let surfaceMs = 0;

  const costOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [inChannels, outChannels] = args as tf.Tensor[];
    const [c, f] = [inChannels.dataSync(), outChannels.dataSync()];
    const started = performance.now();
    const points = surface(layers.map((layer, i) => ({ ...layer, c: c[i], f: f[i] })));
    surfaceMs += performance.now() - started;
    const values = new Float32Array(2 * n);
    points.forEach((point, i) => {
      values[i] = point.cycles * msPerCycle;
      values[n + i] = (point.macs / pes) * msPerCycle;
    });
    // Each layer's cost depends on its own c and f only: the Jacobian is diagonal.
    const gradFunc = (dy: tf.Tensor | tf.Tensor[]) => {
      const upstream = (dy as tf.Tensor).dataSync();
      const [dIn, dOut] = [new Float32Array(n), new Float32Array(n)];
      points.forEach((point, i) => {
        const [dRuntime, dIdeal] = [upstream[i] * msPerCycle, (upstream[n + i] * msPerCycle) / pes];
        dIn[i] = dRuntime * point.dCyclesDc + dIdeal * point.dMacsDc;
        dOut[i] = dRuntime * point.dCyclesDf + dIdeal * point.dMacsDf;
      });
      return [tf.tensor1d(dIn), tf.tensor1d(dOut)];
    };
    return { value: tf.tensor2d(values, [2, n]), gradFunc };
  });

  const bridge = ((inChannels, outChannels) => {
    const both = costOp(inChannels, outChannels) as tf.Tensor2D;
    const [runtimeMs, idealMs] = tf.unstack(both) as [tf.Tensor1D, tf.Tensor1D];
    return { runtimeMs, idealMs };
  }) as CostBridge;
  bridge.surfaceMs = () => surfaceMs;
  return bridge;
}
