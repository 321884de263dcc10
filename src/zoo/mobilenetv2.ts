// Reference: torchvision.models.mobilenet_v2, width 1.0 (Sandler et al. 2018, Table 2).
import type { Layer } from "../layers/layer.js";
import { imagenetClasses, NetBuilder } from "./builders.js";

/** Inverted residual stages: expansion t, output channels c, repeats n, first stride s. */
const stages: readonly (readonly [number, number, number, number])[] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

export function mobilenetv2(batch: number): Layer[] {
  const net = new NetBuilder(batch).conv("features.0", 32, 3, 2);
  let idx = 1;
  for (const [t, c, n, s] of stages) {
    for (let i = 0; i < n; i++) {
      const p = `features.${idx++}`;
      const stride = i === 0 ? s : 1;
      const inCh = net.x.ch;
      const block = () => {
        if (t !== 1) net.conv(`${p}.expand`, inCh * t, 1);
        net.dwconv(`${p}.dw`, 3, stride).conv(`${p}.project`, c, 1);
      };
      // The skip exists only where the block keeps the shape; there is never a projection.
      if (stride === 1 && inCh === c) net.residual(p, block);
      else block();
    }
  }
  return net
    .conv(`features.${idx}`, 1280, 1)
    .globalPool("avgpool")
    .fc("classifier.1", imagenetClasses).layers;
}
