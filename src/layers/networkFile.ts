import { extname } from "node:path";
import type { InputShapes } from "../onnx/shapes.js";
import { type ImportedNetwork, readOnnxNetwork } from "./onnxLayers.js";
import { readLayersFile } from "./readLayers.js";

export type { ImportedNetwork } from "./onnxLayers.js";

export interface NetworkFileOptions {
  /** the batch of layer rows without one */
  batch: number;
  /**
   * ONNX models: the batch replaces the model's N only when the user set it (--batch, a sweep's
   * batch column); otherwise the model's static N stands
   */
  batchGiven: boolean;
  /** ONNX models: the input dims, for dynamic ones (--input-shape) */
  inputShape?: number[];
}

/** A network file: an ONNX model (.onnx) or a layer table (CSV, JSON, SCALE-Sim topology). */
export function readNetworkFile(path: string, options: NetworkFileOptions): ImportedNetwork {
  if (extname(path).toLowerCase() === ".onnx") {
    const shapes: InputShapes = { inputShape: options.inputShape };
    if (options.batchGiven) shapes.batch = options.batch;
    return readOnnxNetwork(path, shapes);
  }
  return { layers: readLayersFile(path, options.batch) };
}
