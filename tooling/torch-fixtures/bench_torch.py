"""Times the same flow-matching training step as packages/models' bench in PyTorch on this machine's CPU.

Usage:
  python bench_torch.py D BATCH STEPS THREADS
      times STEPS steps after 3 warm-up steps; prints one JSON line {"median": s, "best": s, "torch": ..., "threads": n}.
  python bench_torch.py --serve D BATCH THREADS
      prints {"torch": ..., "threads": n} once the model is built, then runs one step per line read from stdin and
      answers each with {"seconds": s}, so that a caller can take turns with its own steps (both then see the same
      load on a shared machine).
Each step draws x0 and t and builds x_t like the ORT bench.
"""

import json
import statistics
import sys
import time

import torch

from cs180_unet import make_model


def make_step(D: int, B: int):
    torch.manual_seed(0)
    model = make_model("flow-time", D)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    x1 = torch.rand(B, 1, 28, 28)

    def step() -> float:
        start = time.perf_counter()
        x0 = torch.randn_like(x1)
        t = torch.rand(B, 1)
        xt = (1 - t[:, :, None, None]) * x0 + t[:, :, None, None] * x1
        loss = torch.nn.functional.mse_loss(model(xt, t), x1 - x0)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()
        return time.perf_counter() - start

    return step


def main() -> None:
    if sys.argv[1] == "--serve":
        D, B, THREADS = (int(a) for a in sys.argv[2:5])
        torch.set_num_threads(THREADS)
        step = make_step(D, B)
        print(json.dumps({"torch": torch.__version__, "threads": THREADS}), flush=True)
        for _ in sys.stdin:
            print(json.dumps({"seconds": step()}), flush=True)
        return
    D, B, STEPS, THREADS = (int(a) for a in sys.argv[1:5])
    torch.set_num_threads(THREADS)
    step = make_step(D, B)
    times = [step() for _ in range(STEPS + 3)][3:]
    print(json.dumps({"median": statistics.median(times), "best": min(times), "torch": torch.__version__,
                      "threads": THREADS}))


main()
