/**
 * The backends uboost can train on, fastest first (tfjs-free, so flag parsing stays light):
 * tfjs's own, and "onnxruntime", tfjs on wasm with its convs run by onnxruntime-node.
 */
export const backendNames = ["tensorflow", "onnxruntime", "wasm", "cpu"] as const;
export type BackendName = (typeof backendNames)[number];
