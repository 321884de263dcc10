/**
 * The whole `uboost proxy` analysis on a latency table, sampled or measured: the SRCC matrix
 * between devices, one-proxy loss of optimality, and the AdaProxy adaptation curve per target.
 */
import type { AdaProxyPoint } from "./adaProxy.js";
import type { LatencyColumns } from "./evaluate.js";
import { type ConstraintLoss, lossOfOptimality, type ProxyPick } from "./oneProxy.js";
import { srccMatrix } from "./srcc.js";

export interface StudyInput {
  devices: string[];
  columns: LatencyColumns;
  /** index of the proxy device */
  proxy: number;
  /** what one-proxy ranks by; absent: one-proxy is skipped */
  score?: { name: string; values: ArrayLike<number> };
  /** how one-proxy picks under the proxy's limit; absent: exhaustively */
  pick?: ProxyPick;
  quantiles: number[];
  /** predictor inputs per architecture; absent: AdaProxy is skipped */
  features?: Float32Array[];
  adaSamples: number[];
  seed: number;
}

export interface AdaProxyTarget {
  device: number;
  points: AdaProxyPoint[];
}

export interface StudyResult {
  srcc: number[][];
  oneProxy?: ConstraintLoss[];
  adaProxy?: AdaProxyTarget[];
}

export async function proxyStudy(
  input: StudyInput,
  onStage?: (stage: string) => void,
): Promise<StudyResult> {
  onStage?.(`SRCC between ${input.devices.length} devices`);
  const srcc = srccMatrix(input.columns);
  if (input.score !== undefined) onStage?.(`one proxy: best ${input.score.name} per constraint`);
  const oneProxy =
    input.score === undefined
      ? undefined
      : lossOfOptimality(
          input.columns,
          input.proxy,
          input.score.values,
          input.quantiles,
          input.pick,
        );
  const adaProxy =
    input.features === undefined || input.adaSamples.length === 0
      ? undefined
      : await adaProxyCurves(input, input.features, onStage);
  return { srcc, oneProxy, adaProxy };
}

async function adaProxyCurves(
  input: StudyInput,
  features: Float32Array[],
  onStage?: (stage: string) => void,
): Promise<AdaProxyTarget[]> {
  // tfjs loads here, so commands and runs without AdaProxy never pay for it
  const { adaptationCurve, disposePredictor, pretrainPredictor, useCpuBackend } = await import(
    "./adaProxy.js"
  );
  await useCpuBackend();
  const options = { sampleCounts: input.adaSamples, seed: input.seed };
  onStage?.(`AdaProxy: training the predictor on ${input.devices[input.proxy]}`);
  const predictor = pretrainPredictor(features, input.columns[input.proxy], options);
  try {
    return input.columns.flatMap((latencies, device) => {
      if (device === input.proxy) return [];
      onStage?.(`AdaProxy: adapting to ${input.devices[device]}`);
      return [{ device, points: adaptationCurve(predictor, latencies, options) }];
    });
  } finally {
    disposePredictor(predictor);
  }
}
