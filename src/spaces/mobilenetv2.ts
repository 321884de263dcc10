/**
 * Once-for-All's MobileNetV2 space (Cai et al., ICLR 2020; mit-han-lab/once-for-all,
 * `OFAProxylessNASNets`, the released supernet `ofa_proxyless_d234_e346_k357_w1.3`): a 3×3 stem
 * conv, a fixed first block (depthwise 3×3, expansion 1), then 6 stages of inverted-residual
 * blocks of which the first 5 keep 2, 3 or 4 of their 4 blocks and the last keeps its one; every
 * block picks its kernel (3, 5, 7) and expansion ratio (3, 4, 6). A 1×1 feature-mix conv, global
 * pool and classifier close it. 3⁴²·3⁵ ≈ 2.7·10²² architectures (as OFA encodes them): sampled.
 */
import { InputError } from "../errors.js";
import type { Layer } from "../layers/layer.js";
import type { Act } from "../zoo/builders.js";
import { convBn, outputOf, poolAndClassify, sameShape } from "./blocks.js";
import type { Arch, ArchSpace, SpaceInput } from "./space.js";

const kernels = [3, 5, 7];
const expansions = [3, 4, 6];
const depths = [2, 3, 4];

/** ProxylessNAS's stage widths (stem, first block, 6 stages, feature mix) at width 1.3. */
const baseWidths = [32, 16, 24, 40, 80, 96, 192, 320, 1280];
const widthMultiplier = 1.3;
const stageStrides = [2, 2, 2, 1, 2, 1];
const blocksPerStage = [4, 4, 4, 4, 4, 1];
const blockCount = blocksPerStage.reduce((sum, n) => sum + n, 0);
const searchableStages = 5;

/** OFA's `make_divisible`: the nearest multiple of 8, never more than 10% below the value. */
export function makeDivisible(value: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((value + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * value ? rounded + divisor : rounded;
}

const widths = baseWidths.map((width) => makeDivisible(width * widthMultiplier));

/** Decisions: 21 kernels, then 21 expansion ratios, then the depths of the 5 searchable stages. */
const kernelAt = (block: number) => block;
const expansionAt = (block: number) => blockCount + block;
const depthAt = (stage: number) => 2 * blockCount + stage;

/**
 * `{'ks': [21 kernels], 'e': [21 ratios], 'd': [6 depths]}`: the Python dict OFA's
 * `sample_active_subnet` returns, as printed (the last stage's depth is always 1).
 */
export function printOfa(arch: Arch): string {
  const list = (values: number[]) => `[${values.join(", ")}]`;
  const ks = Array.from({ length: blockCount }, (_, b) => kernels[arch[kernelAt(b)]]);
  const e = Array.from({ length: blockCount }, (_, b) => expansions[arch[expansionAt(b)]]);
  const d = [...Array.from({ length: searchableStages }, (_, s) => depths[arch[depthAt(s)]]), 1];
  return `{'ks': ${list(ks)}, 'e': ${list(e)}, 'd': ${list(d)}}`;
}

/** Also reads the same dict as JSON (double quotes), as a CSV writer may have re-quoted it. */
export function parseOfa(text: string): Arch {
  let config: unknown;
  try {
    config = JSON.parse(text.replaceAll("'", '"'));
  } catch {
    throw new InputError(`"${text}": expected {'ks': […], 'e': […], 'd': […]}`);
  }
  const field = (key: string, length: number, options: number[]) => {
    const values = (config as Record<string, unknown>)?.[key];
    if (!Array.isArray(values) || values.length !== length) {
      throw new InputError(`"${text}": '${key}' must list ${length} values`);
    }
    return values.map((value, i) => {
      const index = options.indexOf(value as number);
      if (index < 0) {
        throw new InputError(
          `"${text}": '${key}'[${i}] is ${value}, not one of ${options.join("/")}`,
        );
      }
      return index;
    });
  };
  const ks = field("ks", blockCount, kernels);
  const e = field("e", blockCount, expansions);
  const d = field("d", searchableStages + 1, [1, ...depths]);
  if (d.slice(0, searchableStages).includes(0) || d[searchableStages] !== 0) {
    throw new InputError(`"${text}": 'd' takes 2/3/4 per stage and 1 for the last`);
  }
  return [...ks, ...e, ...d.slice(0, searchableStages).map((index) => index - 1)];
}

/**
 * An inverted residual: 1×1 expand (absent at ratio 1), depthwise k×k, 1×1 project, each with BN;
 * the input added back where the shape allows.
 */
function mbConv(
  batch: number,
  name: string,
  x: Act,
  f: number,
  kernel: number,
  expansion: number,
  stride: number,
): Layer[] {
  const layers: Layer[] = [];
  let mid = x;
  if (expansion !== 1) {
    layers.push(
      ...convBn(batch, `${name}.inverted_bottleneck`, x, makeDivisible(x.ch * expansion), 1),
    );
    mid = outputOf(layers);
  }
  layers.push(...convBn(batch, `${name}.depth_conv`, mid, mid.ch, kernel, stride, "dwconv"));
  layers.push(...convBn(batch, `${name}.point_linear`, outputOf(layers), f, 1));
  if (stride === 1 && x.ch === f)
    layers.push(sameShape(batch, `${name}.add`, "add", outputOf(layers)));
  return layers;
}

export function ofaLayers(arch: Arch, input: SpaceInput, batch: number): Layer[] {
  const layers = convBn(batch, "first_conv", { size: input.resolution, ch: 3 }, widths[0], 3, 2);
  layers.push(...mbConv(batch, "blocks.0", outputOf(layers), widths[1], 3, 1, 1));
  let block = 0;
  blocksPerStage.forEach((count, stage) => {
    const active = stage < searchableStages ? depths[arch[depthAt(stage)]] : count;
    for (let i = 0; i < count; i++, block++) {
      if (i >= active) continue;
      const kernel = kernels[arch[kernelAt(block)]];
      const expansion = expansions[arch[expansionAt(block)]];
      const stride = i === 0 ? stageStrides[stage] : 1;
      const name = `blocks.${block + 1}`;
      layers.push(
        ...mbConv(batch, name, outputOf(layers), widths[stage + 2], kernel, expansion, stride),
      );
    }
  });
  layers.push(...convBn(batch, "feature_mix_layer", outputOf(layers), widths[8], 1));
  return [...layers, ...poolAndClassify(batch, outputOf(layers), input.classes, "classifier")];
}

export const mobilenetv2: ArchSpace = {
  name: "mobilenetv2",
  source: "Once-for-All's MobileNetV2 (ProxylessNAS) space, mit-han-lab/once-for-all, width 1.3",
  decisions: [
    ...Array.from({ length: blockCount }, () => kernels.map(String)),
    ...Array.from({ length: blockCount }, () => expansions.map(String)),
    ...Array.from({ length: searchableStages }, () => depths.map(String)),
  ],
  inputs: [{ name: "ImageNet", resolution: 224, classes: 1000 }],
  exhaustive: false,
  parse: parseOfa,
  print: printOfa,
  layersOf: ofaLayers,
};
