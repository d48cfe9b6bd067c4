"""The CS180 part B networks in PyTorch, with the same module names as @diffusion-studio/models.

Spec: shared/reference-spec.md §4.1. Conv/ConvTranspose/Linear layers keep PyTorch's default biases; BatchNorm
eps 1e-5, momentum 0.1; exact GELU; concatenations put the skip connection first.
"""

import torch
from torch import nn


class Conv(nn.Module):
    """(1) Conv2d(k3, s1, p1) + BN + GELU, or (2) DownConv with stride 2."""

    def __init__(self, cin: int, cout: int, stride: int = 1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride, 1)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return nn.functional.gelu(self.bn(self.conv(x)))


class UpConv(nn.Module):
    """(3) ConvTranspose2d(k4, s2, p1) + BN + GELU, or (5) Unflatten with k7, s7, p0."""

    def __init__(self, cin: int, cout: int, k: int = 4, stride: int = 2, pad: int = 1):
        super().__init__()
        self.conv = nn.ConvTranspose2d(cin, cout, k, stride, pad)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return nn.functional.gelu(self.bn(self.conv(x)))


class ConvBlock(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.conv1 = Conv(cin, cout)
        self.conv2 = Conv(cout, cout)

    def forward(self, x):
        return self.conv2(self.conv1(x))


class DownBlock(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.down = Conv(cin, cout, stride=2)
        self.block = ConvBlock(cout, cout)

    def forward(self, x):
        return self.block(self.down(x))


class UpBlock(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.up = UpConv(cin, cout)
        self.block = ConvBlock(cout, cout)

    def forward(self, x):
        return self.block(self.up(x))


class FCBlock(nn.Module):
    def __init__(self, fin: int, fout: int):
        super().__init__()
        self.fc1 = nn.Linear(fin, fout)
        self.fc2 = nn.Linear(fout, fout)

    def forward(self, x):
        return self.fc2(nn.functional.gelu(self.fc1(x)))


class UNet(nn.Module):
    """conditioning: "none", "time-multiplicative", "time-additive" or "class"."""

    def __init__(self, D: int, conditioning: str = "none"):
        super().__init__()
        self.conditioning = conditioning
        self.e0 = ConvBlock(1, D)
        self.e1 = DownBlock(D, D)
        self.e2 = DownBlock(D, 2 * D)
        self.unflatten = UpConv(2 * D, 2 * D, k=7, stride=7, pad=0)
        self.u1 = UpBlock(4 * D, D)
        self.u2 = UpBlock(2 * D, D)
        self.dec = ConvBlock(2 * D, D)
        self.out = nn.Conv2d(D, 1, 3, 1, 1)
        if conditioning != "none":
            self.fc1_t = FCBlock(1, 2 * D)
            self.fc2_t = FCBlock(1, D)
        if conditioning == "class":
            self.fc1_c = FCBlock(10, 2 * D)
            self.fc2_c = FCBlock(10, D)

    def forward(self, x, t=None, c=None):
        e0 = self.e0(x)
        e1 = self.e1(e0)
        e2 = self.e2(e1)
        f = nn.functional.gelu(nn.functional.avg_pool2d(e2, 7))
        u0 = self.unflatten(f)
        cond = self.conditioning
        if cond != "none":
            t1 = self.fc1_t(t)[:, :, None, None]
            t2 = self.fc2_t(t)[:, :, None, None]
        if cond == "time-multiplicative":
            u0 = u0 * t1
        elif cond == "time-additive":
            u0 = u0 + t1
        elif cond == "class":
            c1 = self.fc1_c(c)[:, :, None, None]
            c2 = self.fc2_c(c)[:, :, None, None]
            u0 = c1 * u0 + t1
        u1 = self.u1(torch.cat([e2, u0], 1))
        if cond == "time-multiplicative":
            u1 = u1 * t2
        elif cond == "time-additive":
            u1 = u1 + t2
        elif cond == "class":
            u1 = c2 * u1 + t2
        u2 = self.u2(torch.cat([e1, u1], 1))
        return self.out(self.dec(torch.cat([e0, u2], 1)))


class Classifier(nn.Module):
    """Conv(1→D), DownConv(D→2D), DownConv(2D→2D), flatten, Linear(98D→128) + GELU, Linear(128→10)."""

    def __init__(self, D: int):
        super().__init__()
        self.conv1 = Conv(1, D)
        self.conv2 = Conv(D, 2 * D, stride=2)
        self.conv3 = Conv(2 * D, 2 * D, stride=2)
        self.fc1 = nn.Linear(2 * D * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        h = self.conv3(self.conv2(self.conv1(x)))
        h = h.flatten(1)
        return self.fc2(nn.functional.gelu(self.fc1(h)))


CONDITIONING = {
    "denoiser": "none",
    "flow-time": "time-multiplicative",
    "ddpm-time": "time-additive",
    "flow-class": "class",
    "ddpm-class": "class",
}


def make_model(kind: str, D: int) -> nn.Module:
    return Classifier(D) if kind == "classifier" else UNet(D, CONDITIONING[kind])
