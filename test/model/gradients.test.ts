/**
 * Every op the search trains, differentiated on the wasm backend (our forward-conv gradients for
 * conv2d / depthwiseConv2d / batch norm, tfjs's own for the rest) against tfjs's autodiff on the
 * cpu backend. tfjs cannot differentiate dilated convs at all, so their reference is the same conv
 * with the kernel dilated by hand (zeros between the taps) at dilation 1. Convs are checked on the
 * "onnxruntime" backend too (its conv kernels run natively, see model/native) where
 * onnxruntime-node is installed, and always under CI, which installs it.
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { nativeRuntime } from "../../src/model/native/onnxruntime.js";
import { batchNormTrain, hostBatchNormLimit } from "../../src/model/ops/batchNorm.js";
import { conv2d } from "../../src/model/ops/conv2d.js";
import type { ConvOptions } from "../../src/model/ops/convGeometry.js";
import { depthwiseConv2d } from "../../src/model/ops/depthwiseConv2d.js";
import { maxPool } from "../../src/model/ops/maxPool.js";
import { mixedSum } from "../../src/model/ops/mixedSum.js";
import { type BackendName, selectBackend } from "../../src/train/backend.js";

const tolerance = 1e-4;

beforeAll(async () => {
  await selectBackend("wasm");
});

/** The backends whose conv kernels differ: a CI run without onnxruntime-node fails here. */
const convBackends =
  nativeRuntime() !== undefined || process.env.CI ? ["wasm", "onnxruntime"] : ["wasm"];

/** Deterministic values in [-1, 1) (a 32-bit LCG), the same on every backend. */
function values(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let state = seed >>> 0;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

type Shape = number[];
type Fn = (...inputs: tf.Tensor[]) => tf.Tensor;

/**
 * Gradients of sum(f(inputs) · upstream) on one backend, upstream a fixed random tensor (so dy
 * is not all ones), as plain arrays.
 */
async function gradsOn(backend: BackendName, f: Fn, shapes: Shape[], seed: number) {
  await selectBackend(backend);
  return tf.tidy(() => {
    const inputs = shapes.map((shape, i) =>
      tf.tensor(values(tf.util.sizeFromShape(shape), seed + i), shape),
    );
    const outShape = f(...inputs).shape;
    const upstream = tf.tensor(values(tf.util.sizeFromShape(outShape), seed + 99), outShape);
    const loss = (...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), upstream));
    const value = loss(...inputs).dataSync()[0];
    const grads = tf
      .grads(loss)(inputs)
      .map((g) => ({ shape: g.shape, data: g.dataSync() }));
    return { value, grads };
  });
}

/** max |a − b| / max |b|, per gradient. */
function relativeError(actual: Float32Array | Int32Array | Uint8Array, expected: typeof actual) {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

async function expectSameGradients(
  ours: Fn,
  reference: Fn,
  shapes: Shape[],
  backend: BackendName = "wasm",
  seed = 1,
) {
  const expected = await gradsOn("cpu", reference, shapes, seed);
  const actual = await gradsOn(backend, ours, shapes, seed);
  expect(actual.value).toBeCloseTo(expected.value, 3);
  expect(actual.grads.length).toBe(expected.grads.length);
  actual.grads.forEach((grad, i) => {
    expect(grad.shape).toEqual(expected.grads[i].shape);
    expect(relativeError(grad.data, expected.grads[i].data)).toBeLessThan(tolerance);
  });
}

/** [k, k, a, b] → [d(k−1)+1, …] with d − 1 zero taps between neighbours (differentiable). */
function dilateKernel(w: tf.Tensor, dilation: number): tf.Tensor4D {
  if (dilation === 1) return w as tf.Tensor4D;
  const [kh, kw, a, b] = w.shape;
  const spread = tf.pad(tf.reshape(w, [kh, 1, kw, 1, a, b]), [
    [0, 0],
    [0, dilation - 1],
    [0, 0],
    [0, dilation - 1],
    [0, 0],
    [0, 0],
  ]);
  const full = tf.reshape(spread, [kh * dilation, kw * dilation, a, b]);
  return tf.slice(
    full,
    [0, 0, 0, 0],
    [(kh - 1) * dilation + 1, (kw - 1) * dilation + 1, a, b],
  ) as tf.Tensor4D;
}

interface ConvCase extends ConvOptions {
  size: number;
  kernel: number;
}

const convCases: ConvCase[] = [
  { size: 6, kernel: 3 },
  { size: 6, kernel: 3, strides: 2 },
  { size: 7, kernel: 3, strides: 2 },
  { size: 7, kernel: 5 },
  { size: 7, kernel: 5, strides: 2 },
  { size: 6, kernel: 5, strides: 2 },
  { size: 7, kernel: 1 },
  { size: 7, kernel: 1, strides: 2 },
  { size: 6, kernel: 1, strides: 2 },
  { size: 7, kernel: 3, dilation: 2 },
  { size: 6, kernel: 5, dilation: 2 },
  { size: 7, kernel: 3, pad: "valid" },
  { size: 7, kernel: 3, strides: 2, pad: "valid" },
  { size: 8, kernel: 3, strides: 2, pad: "valid" },
  { size: 7, kernel: 3, dilation: 2, pad: "valid" },
];

const label = (c: ConvCase) =>
  `${c.kernel}×${c.kernel} on ${c.size}×${c.size}, stride ${c.strides ?? 1}, ` +
  `dilation ${c.dilation ?? 1}, ${c.pad ?? "same"}`;

/**
 * A conv case's gradients, ours against the reference, on 2 images of `channels[0]` input
 * channels and a [kernel, kernel, channels[0], channels[1]] filter; a failure names the case.
 */
async function expectConvCase(
  c: ConvCase,
  ours: Fn,
  reference: Fn,
  channels: [number, number],
  backend: BackendName,
): Promise<void> {
  const shapes = [
    [2, c.size, c.size, channels[0]],
    [c.kernel, c.kernel, ...channels],
  ];
  await expectSameGradients(ours, reference, shapes, backend).catch((error) => {
    throw new Error(`${label(c)}: ${error}`);
  });
}

describe.each(convBackends)("conv2d gradients on %s match cpu autodiff", (backend) => {
  it.each(convCases)("$kernel×$kernel %#", async (c) => {
    const { strides = 1, dilation = 1, pad = "same" } = c;
    await expectConvCase(
      c,
      (x, w) => conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c),
      (x, w) => tf.conv2d(x as tf.Tensor4D, dilateKernel(w, dilation), strides, pad),
      [3, 4],
      backend as BackendName,
    );
  });
});

describe.each(convBackends)("depthwiseConv2d gradients on %s match cpu autodiff", (backend) => {
  const depthwiseCases: ConvCase[] = [
    { size: 6, kernel: 3 },
    { size: 7, kernel: 5 },
    { size: 7, kernel: 3, dilation: 2 },
    { size: 6, kernel: 5, dilation: 2 },
    { size: 6, kernel: 3, strides: 2 },
    { size: 7, kernel: 3, strides: 2 },
    { size: 7, kernel: 3, pad: "valid" },
  ];
  it.each(depthwiseCases)("$kernel×$kernel %#", async (c) => {
    const { strides = 1, dilation = 1, pad = "same" } = c;
    await expectConvCase(
      c,
      (x, w) => depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c),
      (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, dilateKernel(w, dilation), strides, pad),
      [5, 1],
      backend as BackendName,
    );
  });
});

describe("max-pool gradients on wasm match cpu autodiff", () => {
  // The wasm backend's own MaxPoolGrad gets windows with negative values wrong; values here are
  // in [-1, 1), so these cases would catch a fall-back to it.
  const poolCases: [number, number, "same" | "valid", number][] = [
    [2, 2, "same", 6],
    [2, 2, "same", 7],
    [2, 2, "valid", 7],
    // windows with gaps between them: inputs in no window get no gradient
    [2, 3, "valid", 8],
    [3, 1, "same", 6],
    [3, 2, "same", 7],
    [3, 2, "valid", 6],
  ];
  it.each(poolCases)("%i×%i stride %i, %s, on %i×%i", async (size, strides, pad, inSize) => {
    const ours: Fn = (x) => maxPool(x as tf.Tensor4D, { size, strides, pad });
    const reference: Fn = (x) => tf.maxPool(x as tf.Tensor4D, size, strides, pad);
    await expectSameGradients(ours, reference, [[2, inSize, inSize, 3]]);
  });

  it("sends a tied window's gradient to its first maximum, as tfjs does", async () => {
    const x = [1, 3, 3, 0, 2, 2, 2, 2, -1, -1, -1, -1, 0, 0, 0, 0];
    const shape = [1, 4, 4, 1];
    const grad = (pool: Fn) =>
      tf
        .grad((t) => tf.sum(pool(t)))(tf.tensor(x, shape))
        .dataSync();
    const ours = grad((t) => maxPool(t as tf.Tensor4D, { size: 2 }));
    await tf.setBackend("cpu");
    const reference = grad((t) => tf.maxPool(t as tf.Tensor4D, 2, 2, "valid"));
    await tf.setBackend("wasm");
    expect(Array.from(ours)).toEqual(Array.from(reference));
  });
});

describe("batch norm, dense and loss gradients on wasm match cpu", () => {
  // Ours runs on the host; the reference is tfjs's own ops and autodiff. Shapes from one image
  // of one pixel per channel row up to the demo's shards; seeds draw other values.
  const batchNormCases: [number[], boolean, number][] = [
    [[2, 6, 6, 4], false, 1],
    [[2, 6, 6, 4], true, 2],
    [[1, 1, 3, 5], true, 3],
    [[16, 4, 4, 16], true, 4],
    [[3, 5, 7, 1], false, 5],
    [[16, 8, 8, 16], true, 6],
    // above hostBatchNormLimit: tfjs kernels
    [[16, 16, 16, 17], true, 7],
    [[16, 16, 16, 17], false, 8],
  ];
  it.each(batchNormCases)(
    "training-mode batch norm %j, ReLU %s (batch statistics)",
    async (shape, relu, seed) => {
      const channels = shape[3];
      const ours: Fn = (x, gamma, beta) =>
        batchNormTrain(x as tf.Tensor4D, gamma as tf.Tensor1D, beta as tf.Tensor1D, { relu });
      const reference: Fn = (x, gamma, beta) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        const y = tf.batchNorm(x, mean, variance, beta as tf.Tensor1D, gamma as tf.Tensor1D, 1e-5);
        return relu ? tf.relu(y) : y;
      };
      await expectSameGradients(ours, reference, [shape, [channels], [channels]], "wasm", seed);
    },
  );

  it.each([1, hostBatchNormLimit])(
    "training-mode batch norm reports the batch's mean and biased variance (%i images)",
    (copies) => {
      // every image the same 2×2×2 values: the statistics are the one image's
      const image = [1, 10, 2, 20, 3, 30, 6, 60];
      const x = tf.tensor4d(Array.from({ length: copies }, () => image).flat(), [copies, 2, 2, 2]);
      const seen: { mean: number[]; variance: number[] }[] = [];
      const y = batchNormTrain(x, tf.ones([2]), tf.zeros([2]), {
        onStatistics: ({ mean, variance }) =>
          seen.push({ mean: Array.from(mean), variance: Array.from(variance) }),
      });
      expect(seen).toHaveLength(1);
      expect(seen[0].mean[0]).toBeCloseTo(3, 5);
      expect(seen[0].mean[1]).toBeCloseTo(30, 4);
      expect(seen[0].variance[0]).toBeCloseTo(3.5, 4);
      expect(seen[0].variance[1]).toBeCloseTo(350, 2);
      tf.dispose([x, y]);
    },
  );

  const builtIn: [string, Fn, Shape[]][] = [
    ["relu", (x) => tf.relu(x), [[2, 6, 6, 3]]],
    ["3×3 avg-pool, stride 1", (x) => tf.avgPool(x as tf.Tensor4D, 3, 1, "same"), [[2, 6, 6, 3]]],
    ["global average pool", (x) => tf.mean(x, [1, 2]), [[2, 6, 6, 3]]],
    [
      "dense",
      (x, w, b) => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b),
      [[2, 5], [5, 3], [3]],
    ],
    [
      "softmax-weighted sum of branches (a mixed op)",
      (a, b, logits) => {
        const weights = tf.unstack(tf.softmax(logits));
        return tf.addN([tf.mul(a, weights[0]), tf.mul(tf.relu(b), weights[1])]);
      },
      [[2, 6, 6, 3], [2, 6, 6, 3], [2]],
    ],
    [
      "softmax cross-entropy",
      (logits) => tf.losses.softmaxCrossEntropy(tf.oneHot([1, 3], 4), logits),
      [[2, 4]],
    ],
  ];
  // Ours sums on the host (one op); the reference is tfjs's mul and addN and their autodiff.
  // Weights [2, 4]: row 1 mixes the three terms by columns 0, 2, 3 (column 1 a zero op).
  const mixedCases: [number[], number][] = [
    [[2, 6, 6, 3], 1],
    [[1, 2, 1, 3], 2],
    [[16, 8, 8, 16], 3],
  ];
  it.each(mixedCases)("a mixed edge's weighted sum %j (seed %i)", async (shape, seed) => {
    const columns = [0, 2, 3];
    const ours: Fn = (a, b, c, logits) =>
      mixedSum([a, tf.relu(b), c] as tf.Tensor4D[], columns, tf.softmax(logits) as tf.Tensor2D, 1);
    const reference: Fn = (a, b, c, logits) => {
      const weights = tf.unstack(tf.slice(tf.softmax(logits), [1, 0], [1, 4]).reshape([-1]));
      return tf.addN([a, tf.relu(b), c].map((term, k) => tf.mul(term, weights[columns[k]])));
    };
    await expectSameGradients(ours, reference, [shape, shape, shape, [2, 4]], "wasm", seed);
  });

  it("a mixed edge's weighted sum has the bits of tf.mul and tf.addN", () => {
    const shape: [number, number, number, number] = [4, 5, 5, 7];
    const terms = [1, 2, 3, 4, 5].map((seed) =>
      tf.tensor(values(4 * 5 * 5 * 7, seed), shape),
    ) as tf.Tensor4D[];
    const weights = tf.softmax(tf.tensor(values(3 * 6, 9), [3, 6])) as tf.Tensor2D;
    const columns = [0, 1, 3, 4, 5];
    const ours = mixedSum(terms, columns, weights, 2);
    const row = tf.unstack(tf.slice(weights, [2, 0], [1, 6]).reshape([-1]));
    const reference = tf.addN(terms.map((term, k) => tf.mul(term, row[columns[k]])));
    expect(Array.from(ours.dataSync())).toEqual(Array.from(reference.dataSync()));
    tf.dispose([...terms, weights, ours, ...row, reference]);
  });

  it.each(builtIn)("%s", async (_name, f, shapes) => {
    await expectSameGradients(f, f, shapes);
  });
});

describe("conv options", () => {
  it("rejects stride and dilation both above 1, and channel multipliers", () => {
    const x = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
    expect(() => conv2d(x, tf.zeros([3, 3, 2, 2]), { strides: 2, dilation: 2 })).toThrow(
      /stride and dilation/,
    );
    expect(() => depthwiseConv2d(x, tf.zeros([3, 3, 2, 2]))).toThrow(/multiplier/);
    tf.dispose(x);
  });
});
