/** Finds the variables in a tree of layer records (objects and arrays), in a stable order. */
import * as tf from "@tensorflow/tfjs";

export function collectVariables(tree: unknown, trainableOnly = true): tf.Variable[] {
  const found: tf.Variable[] = [];
  const visit = (node: unknown) => {
    if (node instanceof tf.Variable) {
      if (node.trainable || !trainableOnly) found.push(node);
    } else if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node !== null && typeof node === "object" && !(node instanceof tf.Tensor)) {
      Object.values(node).forEach(visit);
    }
  };
  visit(tree);
  return found;
}
