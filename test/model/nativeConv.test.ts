/**
 * The native conv kernels (onnxruntime-node, model/native) against the tfjs kernels they replace,
 * over random geometries: every kind runs natively (no silent fall-back to tfjs) wherever ONNX can
 * express it, agrees with tfjs to float tolerance, and gives the same bytes twice. Skipped, loudly,
 * where onnxruntime-node is not installed; under CI (which installs it) never.
 */

import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conv2dBackpropFilter, conv2dBackpropInput } from "../../src/model/gradients/conv2dGrad.js";
import { depthwiseConv2dBackpropFilter } from "../../src/model/gradients/depthwiseConv2dGrad.js";
import { type ConvGraphKind, convGraph } from "../../src/model/native/convGraphs.js";
import { runNativeConv } from "../../src/model/native/convKernels.js";
import { nativeRuntime } from "../../src/model/native/onnxruntime.js";
import { convConfig, convInfo, type Padding } from "../../src/model/ops/convGeometry.js";
import { selectBackend } from "../../src/train/backend.js";

const available = nativeRuntime() !== undefined;
if (!available && !process.env.CI) {
  console.warn("onnxruntime-node is not installed: the native conv kernel checks skip");
}
const nativeDescribe = available || process.env.CI ? describe : describe.skip;

interface Geometry {
  batch: number;
  size: number;
  kernel: number;
  strides: number;
  dilation: number;
  pad: Padding;
  inChannels: number;
  outChannels: number;
  depthwise: boolean;
}

const geometry: fc.Arbitrary<Geometry> = fc
  .record({
    batch: fc.integer({ min: 1, max: 3 }),
    size: fc.integer({ min: 1, max: 9 }),
    kernel: fc.constantFrom(1, 2, 3, 5),
    strides: fc.integer({ min: 1, max: 3 }),
    dilation: fc.integer({ min: 1, max: 2 }),
    pad: fc.constantFrom<Padding>("same", "valid"),
    inChannels: fc.integer({ min: 1, max: 5 }),
    outChannels: fc.integer({ min: 1, max: 5 }),
    depthwise: fc.boolean(),
  })
  .filter((g) => g.strides === 1 || g.dilation === 1)
  .filter((g) => g.pad === "same" || g.size >= g.dilation * (g.kernel - 1) + 1);

/** Values in [-1, 1) from a 32-bit LCG, so a failing case reproduces. */
function values(shape: number[], seed: number): tf.Tensor4D {
  const out = new Float32Array(tf.util.sizeFromShape(shape));
  let state = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return tf.tensor4d(out, shape as [number, number, number, number]);
}

function relativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  const a = actual.dataSync();
  const e = expected.dataSync();
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < e.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - e[i]));
    scale = Math.max(scale, Math.abs(e[i]));
  }
  return diff / scale;
}

/** Each kind's native result and tfjs's, for one geometry (tensors disposed by the caller's tidy). */
function bothKernels(g: Geometry): [ConvGraphKind, tf.Tensor4D | undefined, tf.Tensor][] {
  const config = convConfig(g);
  const channels = g.depthwise ? g.inChannels : g.outChannels;
  const x = values([g.batch, g.size, g.size, g.inChannels], 1);
  const filter = values([g.kernel, g.kernel, g.inChannels, g.depthwise ? 1 : channels], 2);
  const info = convInfo(x.shape, filter.shape, config, g.depthwise);
  const dy = values([g.batch, info.outHeight, info.outWidth, channels], 3);
  if (g.depthwise) {
    return [
      [
        "depthwiseFilterGradient",
        runNativeConv("depthwiseFilterGradient", info, [x, dy]),
        depthwiseConv2dBackpropFilter(x, dy, filter.shape, config),
      ],
    ];
  }
  return [
    [
      "conv",
      runNativeConv("conv", info, [x, filter]),
      tf.conv2d(x, filter, config.strides, config.pad, "NHWC", config.dilation),
    ],
    [
      "convInputGradient",
      runNativeConv("convInputGradient", info, [dy, filter]),
      conv2dBackpropInput(dy, filter, x.shape, config),
    ],
    [
      "convFilterGradient",
      runNativeConv("convFilterGradient", info, [x, dy]),
      conv2dBackpropFilter(x, dy, filter.shape, config),
    ],
  ];
}

nativeDescribe("native conv kernels (onnxruntime-node)", () => {
  beforeAll(async () => {
    await selectBackend("onnxruntime");
  });
  afterAll(async () => {
    await selectBackend("wasm");
  });

  it("agree with the tfjs kernels over random geometries, and run natively wherever ONNX can", () => {
    fc.assert(
      fc.property(geometry, (g) => {
        tf.tidy(() => {
          for (const [kind, native, reference] of bothKernels(g)) {
            const info = convInfo(
              [g.batch, g.size, g.size, g.inChannels],
              [g.kernel, g.kernel, g.inChannels, g.depthwise ? 1 : g.outChannels],
              convConfig(g),
              g.depthwise,
            );
            const expressible = convGraph(kind, info) !== undefined;
            expect(native !== undefined, `${kind} ran natively`).toBe(expressible);
            if (native === undefined) continue;
            expect(native.shape, kind).toEqual(reference.shape);
            expect(relativeError(native, reference), kind).toBeLessThan(1e-5);
          }
        });
      }),
      { numRuns: 60, seed: 12 },
    );
  });

  it("run natively for every geometry the search uses ('same' padding)", () => {
    fc.assert(
      fc.property(geometry, (g) => {
        const info = convInfo(
          [g.batch, g.size, g.size, g.inChannels],
          [g.kernel, g.kernel, g.inChannels, g.outChannels],
          convConfig({ ...g, pad: "same" }),
          false,
        );
        for (const kind of ["conv", "convInputGradient", "convFilterGradient"] as const) {
          expect(convGraph(kind, info), kind).toBeDefined();
        }
      }),
      { numRuns: 200, seed: 13 },
    );
  });

  it("give the same bytes on every run", () => {
    tf.tidy(() => {
      const g: Geometry = {
        batch: 4,
        size: 12,
        kernel: 3,
        strides: 2,
        dilation: 1,
        pad: "same",
        inChannels: 8,
        outChannels: 16,
        depthwise: false,
      };
      const first = bothKernels(g).map(([, native]) => Array.from(native?.dataSync() ?? []));
      const second = bothKernels(g).map(([, native]) => Array.from(native?.dataSync() ?? []));
      expect(first.every((run) => run.length > 0)).toBe(true);
      expect(second).toEqual(first);
    });
  });
});
