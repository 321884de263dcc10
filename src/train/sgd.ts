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

export interface Sgd {
  /**
   * Applies one update from `grads` (keyed by variable name, as tf.variableGrads returns them);
   * variables without a gradient are left alone. `learningRate` and `momentum` override the
   * options for this step (schedules). Returns the gradient norm before clipping.
   */
  step(grads: tf.NamedTensorMap, learningRate?: number, momentum?: number): number;
  /** Releases the momentum buffers. */
  dispose(): void;
  /** The momentum buffers by variable name (created on first use), for checkpoints. */
  velocityOf(variable: tf.Variable): tf.Variable;
}

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
    grads: tf.NamedTensorMap,
    learningRate = options.learningRate,
    momentum = baseMomentum,
  ): number =>
    tf.tidy(() => {
      const updated = variables.filter((variable) => grads[variable.name] !== undefined);
      if (updated.length === 0) return 0;
      const squares = updated.map((variable) => tf.sum(tf.square(grads[variable.name])));
      const norm = tf.sqrt(tf.addN(squares));
      const clip = Number.isFinite(maxGradNorm)
        ? tf.minimum(1, tf.div(maxGradNorm, tf.add(norm, 1e-6)))
        : tf.scalar(1);
      for (const variable of updated) {
        let gradient = tf.mul(grads[variable.name], clip);
        if (weightDecay !== 0) gradient = tf.add(gradient, tf.mul(variable, weightDecay));
        const velocity = velocityOf(variable);
        const next = tf.add(tf.mul(velocity, momentum), gradient);
        velocity.assign(next);
        const update = options.nesterov ? tf.add(gradient, tf.mul(next, momentum)) : next;
        variable.assign(tf.sub(variable, tf.mul(update, learningRate)));
      }
      return norm.dataSync()[0];
    });

  const dispose = () => {
    for (const velocity of velocities.values()) velocity.dispose();
    velocities.clear();
  };
  return { step, dispose, velocityOf };
}
