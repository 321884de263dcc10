"""PyTorch anchor for `uboost bench train`: the same plain and mixed-op networks, timed the same way.

Layer for layer as bench/train.ts builds them through src/model/ (a 3x3 stem conv 3->64, BN,
ReLU, 2x2 max-pool; three cells of a 3x3 pre conv and one edge, each conv followed by BN and
ReLU, a 2x2 max-pool after each cell; flatten and a linear classifier; convs without bias, as
BN follows them). The mixed network's edge is the supernet's mixed op over the U-Boost space with
uniform weights 1/8: conv 3x3 and 5x5, separable 3x3 and 5x5 (depthwise, BN, ReLU, 1x1, BN,
ReLU), dilated 3x3 and 5x5 (dilation 2), identity, zero. The step is SGD (lr 0.025, momentum
0.9, weight decay 3e-4) after clipping the gradient norm to 5, on a batch of random images with
labels i mod 10, as the TypeScript bench runs it.

Prints one JSON object: per network its trainable parameter count and forward MACs per image
(convs and the classifier, counted from the modules' shapes), which the bench compares with its
own network's, and images/s per thread count (torch.set_num_threads).
"""

import argparse
import json
import time

import torch
from torch import nn

CHANNELS = 64
CLASSES = 10
SIZE = 32
CELLS = 3


def conv_bn_relu(c, f, k, dilation=1, groups=1):
    pad = dilation * (k - 1) // 2
    return nn.Sequential(
        nn.Conv2d(c, f, k, padding=pad, dilation=dilation, groups=groups, bias=False),
        nn.BatchNorm2d(f),
        nn.ReLU(),
    )


def separable(c, f, k):
    return nn.Sequential(conv_bn_relu(c, c, k, groups=c), conv_bn_relu(c, f, 1))


class MixedEdge(nn.Module):
    """sum_j w_j op_j(x) over the U-Boost ops; identity passes x, zero adds nothing."""

    def __init__(self, c):
        super().__init__()
        self.ops = nn.ModuleList(
            [
                conv_bn_relu(c, c, 3),
                conv_bn_relu(c, c, 5),
                separable(c, c, 3),
                separable(c, c, 5),
                conv_bn_relu(c, c, 3, dilation=2),
                conv_bn_relu(c, c, 5, dilation=2),
            ]
        )
        self.weight = 1.0 / 8  # 6 convs, identity, zero

    def forward(self, x):
        total = x * self.weight
        for op in self.ops:
            total = total + op(x) * self.weight
        return total


class Net(nn.Module):
    def __init__(self, mixed):
        super().__init__()
        self.stem = conv_bn_relu(3, CHANNELS, 3)
        cells = []
        for _ in range(CELLS):
            edge = MixedEdge(CHANNELS) if mixed else conv_bn_relu(CHANNELS, CHANNELS, 3)
            cells.append(nn.Sequential(conv_bn_relu(CHANNELS, CHANNELS, 3), edge, nn.MaxPool2d(2)))
        self.cells = nn.Sequential(*cells)
        head = SIZE // 2 ** (CELLS + 1)
        self.classifier = nn.Linear(head * head * CHANNELS, CLASSES)

    def forward(self, x):
        x = self.cells(nn.functional.max_pool2d(self.stem(x), 2))
        return self.classifier(torch.flatten(x, 1))


def macs_per_image(net):
    """Forward multiply-accumulates of the convs and the linear layer for one image."""
    total = 0

    def count(module, inputs, output):
        nonlocal total
        if isinstance(module, nn.Conv2d):
            k = module.kernel_size[0] * module.kernel_size[1]
            total += output[0].numel() * k * module.in_channels // module.groups
        elif isinstance(module, nn.Linear):
            total += module.in_features * module.out_features

    hooks = [m.register_forward_hook(count) for m in net.modules()]
    with torch.no_grad():
        net.eval()
        net(torch.zeros(1, 3, SIZE, SIZE))
        net.train()
    for hook in hooks:
        hook.remove()
    return total


def images_per_sec(net, batch, steps):
    torch.manual_seed(7)
    x = torch.randn(batch, 3, SIZE, SIZE)
    y = torch.arange(batch) % CLASSES
    optimizer = torch.optim.SGD(net.parameters(), lr=0.025, momentum=0.9, weight_decay=3e-4)
    loss_of = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss = loss_of(net(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 5)
        optimizer.step()

    step()  # warm-up
    began = time.perf_counter()
    for _ in range(steps):
        step()
    return batch * steps / (time.perf_counter() - began)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    networks = {}
    for name, mixed in (("plain", False), ("mixed", True)):
        torch.manual_seed(1)
        net = Net(mixed)
        rates = {}
        for count in threads:
            torch.set_num_threads(count)
            rates[str(count)] = images_per_sec(net, args.batch, args.steps)
        networks[name] = {
            "params": sum(p.numel() for p in net.parameters() if p.requires_grad),
            "macsPerImage": macs_per_image(net),
            "imagesPerSec": rates,
        }
    result = {"torch": torch.__version__, "batch": args.batch, "steps": args.steps}
    print(json.dumps({**result, "networks": networks}))


if __name__ == "__main__":
    main()
