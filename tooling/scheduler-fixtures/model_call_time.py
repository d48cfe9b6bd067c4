"""Times one forward call of the CS180 part B class-conditional UNet (reference-spec §4.1, D = 64) on the CPU, batch 80
(40 samples × {cond, uncond}) at 1×28×28. packages/core's bench compares its per-step overhead against this figure.

Run: nice -n 10 python3 tooling/scheduler-fixtures/model_call_time.py
"""

import time

import torch
from torch import nn


def conv(i, o, **k):
    return nn.Sequential(nn.Conv2d(i, o, 3, padding=1, **k), nn.BatchNorm2d(o), nn.GELU())


class Block(nn.Module):
    def __init__(self, i, o, first):
        super().__init__()
        self.a, self.b = first, nn.Sequential(conv(o, o), conv(o, o))

    def forward(self, x):
        return self.b(self.a(x))


class FC(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(i, o), nn.GELU(), nn.Linear(o, o))

    def forward(self, x):
        return self.net(x)[:, :, None, None]


class ClassConditionalUNet(nn.Module):
    def __init__(self, d=64, classes=10):
        super().__init__()
        self.e0 = nn.Sequential(conv(1, d), conv(d, d))
        self.e1 = Block(d, d, nn.Sequential(nn.Conv2d(d, d, 3, 2, 1), nn.BatchNorm2d(d), nn.GELU()))
        self.e2 = Block(d, 2 * d, nn.Sequential(nn.Conv2d(d, 2 * d, 3, 2, 1), nn.BatchNorm2d(2 * d), nn.GELU()))
        self.flat = nn.Sequential(nn.AvgPool2d(7), nn.GELU())
        self.unflat = nn.Sequential(nn.ConvTranspose2d(2 * d, 2 * d, 7, 7), nn.BatchNorm2d(2 * d), nn.GELU())
        up = lambda i, o: Block(i, o, nn.Sequential(nn.ConvTranspose2d(i, o, 4, 2, 1), nn.BatchNorm2d(o), nn.GELU()))  # noqa: E731
        self.u1, self.u2 = up(4 * d, d), up(2 * d, d)
        self.tail = nn.Sequential(conv(2 * d, d), conv(d, d), nn.Conv2d(d, 1, 3, padding=1))
        self.t1, self.t2, self.c1, self.c2 = FC(1, 2 * d), FC(1, d), FC(classes, 2 * d), FC(classes, d)

    def forward(self, x, t, c):
        e0 = self.e0(x)
        e1 = self.e1(e0)
        e2 = self.e2(e1)
        u0 = self.c1(c) * self.unflat(self.flat(e2)) + self.t1(t)
        u1 = self.c2(c) * self.u1(torch.cat([e2, u0], 1)) + self.t2(t)
        u2 = self.u2(torch.cat([e1, u1], 1))
        return self.tail(torch.cat([e0, u2], 1))


def main():
    torch.set_num_threads(2)
    model = ClassConditionalUNet().eval()
    print("params", sum(p.numel() for p in model.parameters()))
    x, t, c = torch.randn(80, 1, 28, 28), torch.rand(80, 1), torch.zeros(80, 10)
    with torch.no_grad():
        for _ in range(3):
            model(x, t, c)
        n = 10
        start = time.perf_counter()
        for _ in range(n):
            model(x, t, c)
        print(f"torch {torch.__version__} CPU, 2 threads: {1000 * (time.perf_counter() - start) / n:.1f} ms per batch-80 call")


if __name__ == "__main__":
    main()
