import * as tf from "@tensorflow/tfjs";
import type { SimConfig } from "../hw/simulator/config.js";
import type { Layer } from "../layers/layer.js";
import type { CostPoint, CostSurface } from "./costSurface.js";

/**
 * The network's latency (ms) and utilization as differentiable functions of per-layer weights
 * (Gumbel op weights; 1 for a chosen op) and per-layer input/output channels (DMask's soft counts).
 * Forward reads the cost surface (the WASM engine for systolic/pipelined); backward chains its
 * ∂/∂channels into tfjs autodiff (loss = CE + λ·latency − β·utilization, paper eq. 8).
 *
 *   cycles C = Σ w_l·cyc_l,  MACs M = Σ w_l·mac_l,  latency = C / clock,  util = M / (C · PEs)
 */
export interface CostBridge {
  (
    weights: tf.Tensor1D,
    inChannels: tf.Tensor1D,
    outChannels: tf.Tensor1D,
  ): {
    latencyMs: tf.Scalar;
    util: tf.Scalar;
  };
  /** milliseconds spent in the cost surface so far (the engine's share of a step) */
  surfaceMs: () => number;
}

export function costBridge(
  surface: CostSurface,
  layers: readonly Layer[],
  hardware: SimConfig,
): CostBridge {
  const pes = hardware.arrayRows * hardware.arrayCols;
  const msPerCycle = 1e3 / hardware.clockHz;
  let surfaceMs = 0;

  const evaluate = (
    c: Float32Array | Int32Array | Uint8Array,
    f: Float32Array | Int32Array | Uint8Array,
  ) => {
    const started = performance.now();
    const points = surface(layers.map((layer, i) => ({ ...layer, c: c[i], f: f[i] })));
    surfaceMs += performance.now() - started;
    return points;
  };

  const costOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [weights, inChannels, outChannels] = args as tf.Tensor[];
    const w = weights.dataSync();
    const points = evaluate(inChannels.dataSync(), outChannels.dataSync());
    const { cycles, macs } = totals(points, w);
    const util = cycles > 0 ? macs / (cycles * pes) : 1;
    const value = tf.tensor1d([cycles * msPerCycle, util]);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[]) => {
      const [dLatency, dUtil] = (dy as tf.Tensor).dataSync();
      return gradients(points, w, cycles, macs, pes, msPerCycle, dLatency, dUtil);
    };
    return { value, gradFunc };
  });

  const bridge = ((weights, inChannels, outChannels) => {
    const both = costOp(weights, inChannels, outChannels) as tf.Tensor1D;
    const [latencyMs, util] = tf.unstack(both) as [tf.Scalar, tf.Scalar];
    return { latencyMs, util };
  }) as CostBridge;
  bridge.surfaceMs = () => surfaceMs;
  return bridge;
}

function totals(points: CostPoint[], w: ArrayLike<number>) {
  let cycles = 0;
  let macs = 0;
  points.forEach((point, i) => {
    cycles += w[i] * point.cycles;
    macs += w[i] * point.macs;
  });
  return { cycles, macs };
}

// util = M/(C·pe): ∂util/∂x = (∂M/∂x · C − M · ∂C/∂x) / (C² · pe).
function gradients(
  points: CostPoint[],
  w: ArrayLike<number>,
  cycles: number,
  macs: number,
  pes: number,
  msPerCycle: number,
  dLatency: number,
  dUtil: number,
): tf.Tensor1D[] {
  const n = points.length;
  const [dWeights, dIn, dOut] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const utilScale = cycles > 0 ? dUtil / (cycles * cycles * pes) : 0;
  points.forEach((point, i) => {
    dWeights[i] =
      dLatency * point.cycles * msPerCycle +
      utilScale * (point.macs * cycles - macs * point.cycles);
    dIn[i] =
      w[i] *
      (dLatency * point.dCyclesDc * msPerCycle +
        utilScale * (point.dMacsDc * cycles - macs * point.dCyclesDc));
    dOut[i] =
      w[i] *
      (dLatency * point.dCyclesDf * msPerCycle +
        utilScale * (point.dMacsDf * cycles - macs * point.dCyclesDf));
  });
  return [tf.tensor1d(dWeights), tf.tensor1d(dIn), tf.tensor1d(dOut)];
}
