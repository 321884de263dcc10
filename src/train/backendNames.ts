/** The tfjs backends uboost can train on, fastest first (tfjs-free, so flag parsing stays light). */
export const backendNames = ["tensorflow", "wasm", "cpu"] as const;
export type BackendName = (typeof backendNames)[number];
