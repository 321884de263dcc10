/**
 * SGD with momentum, weight decay and gradient-norm clipping, in PyTorch's order (DARTS's
 * training loop): clip all gradients together to `maxGradNorm` (clip_grad_norm_), add
 * weightDecay·w, then v ← momentum·v + g and w ← w − lr·v (Nesterov: w ← w − lr·(g + momentum·v)).
 */
import * as tf from "@tensorflow/tfjs";

export interface SgdOptions {
  learningRate: number;
  /** default 0.9 */
  momentum?: number;
  /** L2 coefficient (default 0) */
  weightDecay?: number;
  /** clip the global gradient norm to this (default: no clipping) */
  maxGradNorm?: number;
  /** Nesterov momentum, as torch.optim.SGD(nesterov=True) (default false) */
  nesterov?: boolean;
}

/**
 * Gradients by variable name: tensors (tf.variableGrads) or values already on the host (the
 * data-parallel all-reduce's sums, shards.ts), in the variable's element order.
 */
export type Gradients = Record<string, tf.Tensor | Float64Array | Float32Array>;

export interface Sgd {
  /**
   * Applies one update from `grads` (keyed by variable name); variables without a gradient are
   * left alone. `learningRate` and `momentum` override the options for this step (schedules).
   * Returns the gradient norm before clipping.
   */
  step(grads: Gradients, learningRate?: number, momentum?: number): number;
  /** Releases the momentum buffers. */
  dispose(): void;
  /** The momentum buffers by variable name (created on first use), for checkpoints. */
  velocityOf(variable: tf.Variable): tf.Variable;
}

/**
 * The update runs on the host over each variable's values, one pass, and writes the new weights
 * and velocities back as one tensor each: as tfjs ops it was ~10 kernels a variable, whose fixed
 * cost (not the arithmetic) was 8% of a demo search worker's time, the same on every
 * data-parallel rank whatever its share of the batch. Arithmetic in doubles, stored as float32.
 */
export function createSgd(variables: tf.Variable[], options: SgdOptions): Sgd {
  const baseMomentum = options.momentum ?? 0.9;
  const weightDecay = options.weightDecay ?? 0;
  const maxGradNorm = options.maxGradNorm ?? Number.POSITIVE_INFINITY;
  const velocities = new Map<string, tf.Variable>();
  const velocityOf = (variable: tf.Variable) => {
    let velocity = velocities.get(variable.name);
    if (velocity === undefined) {
      velocity = tf.tidy(() => tf.variable(tf.zerosLike(variable), false));
      velocities.set(variable.name, velocity);
    }
    return velocity;
  };

  const step = (
    grads: Gradients,
    learningRate = options.learningRate,
    momentum = baseMomentum,
  ): number => {
    const updated = variables.filter((variable) => grads[variable.name] !== undefined);
    if (updated.length === 0) return 0;
    const values = updated.map((variable) => {
      const gradient = grads[variable.name];
      return gradient instanceof tf.Tensor ? gradient.dataSync<"float32">() : gradient;
    });
    let squares = 0;
    for (const gradient of values) {
      for (let i = 0; i < gradient.length; i++) squares += gradient[i] * gradient[i];
    }
    const norm = Math.sqrt(squares);
    const clip = Number.isFinite(maxGradNorm) ? Math.min(1, maxGradNorm / (norm + 1e-6)) : 1;
    updated.forEach((variable, index) => {
      const gradient = values[index];
      const velocity = velocityOf(variable);
      const weights = variable.dataSync<"float32">();
      const previous = velocity.dataSync<"float32">();
      const nextWeights = new Float32Array(weights.length);
      const nextVelocity = new Float32Array(weights.length);
      for (let i = 0; i < weights.length; i++) {
        const g = gradient[i] * clip + weightDecay * weights[i];
        const v = momentum * previous[i] + g;
        nextVelocity[i] = v;
        nextWeights[i] = weights[i] - learningRate * (options.nesterov ? g + momentum * v : v);
      }
      tf.tidy(() => {
        velocity.assign(tf.tensor(nextVelocity, velocity.shape));
        variable.assign(tf.tensor(nextWeights, variable.shape));
      });
    });
    return norm;
  };

  const dispose = () => {
    for (const velocity of velocities.values()) velocity.dispose();
    velocities.clear();
  };
  return { step, dispose, velocityOf };
}
