"""Times the same flow-matching training step as packages/models' bench in PyTorch on this machine's CPU.

Usage: python bench_torch.py D BATCH STEPS THREADS → prints one JSON line {"median": s, "best": s, ...}.
Timed: the median and the fastest of the steps after 3 warm-up steps; each step draws x0 and t and builds x_t like the ORT bench.
"""

import json
import statistics
import sys
import time

import torch

from cs180_unet import make_model

D, B, STEPS, THREADS = (int(a) for a in sys.argv[1:5])
torch.set_num_threads(THREADS)
torch.manual_seed(0)
model = make_model("flow-time", D)
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
x1 = torch.rand(B, 1, 28, 28)
times = []
for step in range(STEPS + 3):
    start = time.perf_counter()
    x0 = torch.randn_like(x1)
    t = torch.rand(B, 1)
    xt = (1 - t[:, :, None, None]) * x0 + t[:, :, None, None] * x1
    loss = torch.nn.functional.mse_loss(model(xt, t), x1 - x0)
    opt.zero_grad()
    loss.backward()
    opt.step()
    loss.item()
    if step >= 3:
        times.append(time.perf_counter() - start)
print(json.dumps({"median": statistics.median(times), "best": min(times), "torch": torch.__version__,
                  "threads": THREADS}))
