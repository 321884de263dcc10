// Reference: torchvision.models.resnet (He et al. 2015; bottleneck stride on the 3×3, "v1.5").
import type { Layer } from "../layers/layer.js";
import { imagenetClasses, NetBuilder } from "./builders.js";

type Block = (net: NetBuilder, prefix: string, width: number, stride: number) => void;

const basic: Block = (net, p, width, stride) => {
  net.conv(`${p}.conv1`, width, 3, stride).conv(`${p}.conv2`, width, 3);
};

const bottleneck: Block = (net, p, width, stride) => {
  net
    .conv(`${p}.conv1`, width, 1)
    .conv(`${p}.conv2`, width, 3, stride)
    .conv(`${p}.conv3`, width * 4, 1);
};

/** Stage widths are 64,128,256,512; every stage after the first halves the resolution. */
function resnet(batch: number, block: Block, depths: readonly number[]): Layer[] {
  const net = new NetBuilder(batch).conv("conv1", 64, 7, 2).pool("maxpool", 3, 2, 1);
  depths.forEach((n, stage) => {
    const width = 64 << stage;
    for (let i = 0; i < n; i++) {
      const prefix = `layer${stage + 1}.${i}`;
      const stride = stage > 0 && i === 0 ? 2 : 1;
      net.residual(prefix, () => block(net, prefix, width, stride));
    }
  });
  return net.globalPool("avgpool").fc("fc", imagenetClasses).layers;
}

export function resnet18(batch: number): Layer[] {
  return resnet(batch, basic, [2, 2, 2, 2]);
}

export function resnet50(batch: number): Layer[] {
  return resnet(batch, bottleneck, [3, 4, 6, 3]);
}
