/**
 * SGD with momentum, weight decay and gradient-norm clipping, in PyTorch's order (DARTS's
 * training loop): clip all gradients together to `maxGradNorm` (clip_grad_norm_), add
 * weightDecay·w, then v ← momentum·v + g and w ← w − lr·v (Nesterov: w ← w − lr·(g + momentum·v)).
 */
import * as tf from "@tensorflow/tfjs";
import { heapValues, tensorOfScratch } from "../model/heapValues.js";

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
  // the next weights and velocities of one variable at a time, before they become tensors
  let nextWeights = new Float32Array(0);
  let nextVelocity = new Float32Array(0);
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
    // tensors' values are read from the heap where they lie, so each at once (see heapValues)
    const gradientOf = (variable: tf.Variable) => {
      const gradient = grads[variable.name];
      return gradient instanceof tf.Tensor ? heapValues(gradient) : gradient;
    };
    let squares = 0;
    for (const variable of updated) squares += sumOfSquares(gradientOf(variable));
    const norm = Math.sqrt(squares);
    const clip = Number.isFinite(maxGradNorm) ? Math.min(1, maxGradNorm / (norm + 1e-6)) : 1;
    const rule = { clip, weightDecay, momentum, learningRate, nesterov: options.nesterov ?? false };
    for (const variable of updated) {
      const velocity = velocityOf(variable);
      const size = variable.size;
      if (nextWeights.length < size) {
        nextWeights = new Float32Array(size);
        nextVelocity = new Float32Array(size);
      }
      const weights = nextWeights.subarray(0, size);
      const velocities = nextVelocity.subarray(0, size);
      updateValues(
        gradientOf(variable),
        heapValues(variable),
        heapValues(velocity),
        weights,
        velocities,
        rule,
      );
      tf.tidy(() => {
        velocity.assign(tensorOfScratch(velocities, velocity.shape));
        variable.assign(tensorOfScratch(weights, variable.shape));
      });
    }
    return norm;
  };

  const dispose = () => {
    nextWeights = new Float32Array(0);
    nextVelocity = new Float32Array(0);
    for (const velocity of velocities.values()) velocity.dispose();
    velocities.clear();
  };
  return { step, dispose, velocityOf };
}

function sumOfSquares(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return sum;
}

interface UpdateRule {
  clip: number;
  weightDecay: number;
  momentum: number;
  learningRate: number;
  nesterov: boolean;
}

/** One variable's step, PyTorch's order, into nextWeights and nextVelocity. */
function updateValues(
  gradient: ArrayLike<number>,
  weights: Float32Array,
  velocity: Float32Array,
  nextWeights: Float32Array,
  nextVelocity: Float32Array,
  rule: UpdateRule,
): void {
  const { clip, weightDecay, momentum, learningRate, nesterov } = rule;
  for (let i = 0; i < weights.length; i++) {
    const g = gradient[i] * clip + weightDecay * weights[i];
    const v = momentum * velocity[i] + g;
    nextVelocity[i] = v;
    nextWeights[i] = weights[i] - learningRate * (nesterov ? g + momentum * v : v);
  }
}
