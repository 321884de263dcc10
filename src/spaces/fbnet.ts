/**
 * The FBNet space (Wu et al., CVPR 2019, Table 1) as HW-NAS-Bench defines and measures it
 * (GATECH-EIC/HW-NAS-Bench, `fbnet_models` and `fbnet_get_metrics`): a fixed stem, 22 searchable
 * layers in 7 stages, each layer one of 9 blocks, then a 1×1 header conv, global pool and
 * classifier. A block is 1×1 conv (grouped for the g2 blocks) → depthwise k×k → 1×1 conv (grouped
 * likewise), each with BN, plus the input when shape allows; skip is the identity, or a 1×1 conv
 * with BN where the layer changes stride or width. 9²² ≈ 9.8·10²⁰ architectures: sampled.
 */
import { InputError } from "../errors.js";
import type { Layer } from "../layers/layer.js";
import { type Act, convLayer } from "../zoo/builders.js";
import { convBn, outputOf, poolAndClassify, sameShape } from "./blocks.js";
import type { Arch, ArchSpace, SpaceInput } from "./space.js";

export const fbnetBlocks = [
  "k3_e1",
  "k3_e1_g2",
  "k3_e3",
  "k3_e6",
  "k5_e1",
  "k5_e1_g2",
  "k5_e3",
  "k5_e6",
  "skip",
] as const;

/** Layers per stage and their output channels (FBNet's Table 1). */
const stageDepths = [1, 4, 4, 4, 4, 4, 1];
const stageChannels = [16, 24, 32, 64, 112, 184, 352];
const stemChannels = 16;
const layerCount = stageDepths.reduce((sum, depth) => sum + depth, 0);

/** ImageNet is FBNet's own setting; HW-NAS-Bench's CIFAR-100 one strides less and has a narrower header. */
const macro: Record<string, { stemStride: number; strides: number[]; header: number }> = {
  ImageNet: { stemStride: 2, strides: [1, 2, 2, 2, 1, 2, 1], header: 1984 },
  cifar100: { stemStride: 1, strides: [1, 1, 2, 2, 1, 2, 1], header: 1504 },
};

/** "['k3_e1', 'skip', …]": HW-NAS-Bench's `arch_str`, a Python list of the 22 block names. */
export function printFbnet(arch: Arch): string {
  return `[${arch.map((block) => `'${fbnetBlocks[block]}'`).join(", ")}]`;
}

export function parseFbnet(text: string): Arch {
  const body = text.trim();
  if (!body.startsWith("[") || !body.endsWith("]")) {
    throw new InputError(`"${text}": an FBNet architecture is a list ['k3_e1', …] of 22 blocks`);
  }
  const items = body
    .slice(1, -1)
    .split(",")
    .map((item) => item.trim());
  if (items.length !== layerCount) {
    throw new InputError(`"${text}": ${items.length} blocks, FBNet has ${layerCount} layers`);
  }
  return items.map((item, layer) => {
    const quoted = /^'([^']*)'$|^"([^"]*)"$/.exec(item);
    const index = (fbnetBlocks as readonly string[]).indexOf(quoted?.[1] ?? quoted?.[2] ?? "");
    if (index < 0) {
      throw new InputError(
        `"${text}": layer ${layer + 1} is ${item}, not a quoted block (${fbnetBlocks.join(", ")})`,
      );
    }
    return index;
  });
}

/** A 1×1 conv of `groups` groups: each group its own GEMM of c/g → f/g channels on the array. */
function groupedPointwise(batch: number, name: string, x: Act, f: number, groups: number): Layer[] {
  if (groups === 1) return [convLayer(batch, name, x, f, 1)];
  const part: Act = { size: x.size, ch: x.ch / groups };
  return Array.from({ length: groups }, (_, g) =>
    convLayer(batch, `${name}.g${g}`, part, f / groups, 1),
  );
}

function blockLayers(
  batch: number,
  name: string,
  block: number,
  x: Act,
  f: number,
  stride: number,
) {
  const label = fbnetBlocks[block];
  if (label === "skip") {
    if (stride === 1 && x.ch === f) return [sameShape(batch, `${name}.skip`, "identity", x)];
    return convBn(batch, name, x, f, 1, stride);
  }
  const [, k, e, g] = /^k(\d)_e(\d)(?:_g(\d))?$/.exec(label) ?? [];
  const groups = g === undefined ? 1 : Number(g);
  const mid: Act = { size: x.size, ch: x.ch * Number(e) };
  const expand = groupedPointwise(batch, `${name}.conv1`, x, mid.ch, groups);
  const layers = [...expand, sameShape(batch, `${name}.bn1`, "bn", mid)];
  layers.push(...convBn(batch, `${name}.dw`, mid, mid.ch, Number(k), stride, "dwconv"));
  const depthwise = outputOf(layers);
  layers.push(...groupedPointwise(batch, `${name}.conv3`, depthwise, f, groups));
  const out: Act = { size: depthwise.size, ch: f };
  layers.push(sameShape(batch, `${name}.bn3`, "bn", out));
  if (stride === 1 && x.ch === f) layers.push(sameShape(batch, `${name}.add`, "add", out));
  return layers;
}

export function fbnetLayers(arch: Arch, input: SpaceInput, batch: number): Layer[] {
  const { stemStride, strides, header } = macro[input.name];
  const layers = convBn(
    batch,
    "stem",
    { size: input.resolution, ch: 3 },
    stemChannels,
    3,
    stemStride,
  );
  let x = outputOf(layers);
  let layer = 0;
  stageDepths.forEach((depth, stage) => {
    for (let i = 0; i < depth; i++) {
      const stride = i === 0 ? strides[stage] : 1;
      const name = `cells.${layer}`;
      layers.push(...blockLayers(batch, name, arch[layer++], x, stageChannels[stage], stride));
      x = outputOf(layers);
    }
  });
  layers.push(...convBn(batch, "header", x, header, 1));
  return [...layers, ...poolAndClassify(batch, outputOf(layers), input.classes, "fc")];
}

export const fbnet: ArchSpace = {
  name: "fbnet",
  source: "FBNet (Wu et al., CVPR 2019) as HW-NAS-Bench (Li et al., ICLR 2021) builds it",
  decisions: Array.from({ length: layerCount }, () => fbnetBlocks),
  inputs: [
    { name: "ImageNet", resolution: 224, classes: 1000 },
    { name: "cifar100", resolution: 32, classes: 100 },
  ],
  exhaustive: false,
  parse: parseFbnet,
  print: printFbnet,
  layersOf: fbnetLayers,
};
