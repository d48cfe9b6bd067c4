"""Writes PyTorch reference fixtures for packages/models' whole-network gradient test.

For each kind: PyTorch-initialized weights (seed 0), a fixed batch (real-looking digits are not needed: smooth random
images), the float64 gradients of one training step, the running statistics after it, the eval-mode output with those statistics, and the losses of a few Adam
steps (lr 1e-2, PyTorch defaults otherwise), all in one safetensors file.

Run: python3 tooling/torch-fixtures/generate.py  (writes packages/models/test/fixtures/*.safetensors)
"""

import json
import pathlib

import torch
from safetensors.torch import save_file

from cs180_unet import make_model

OUT = pathlib.Path(__file__).resolve().parents[2] / "packages" / "models" / "test" / "fixtures"
D, B, ADAM_STEPS, LR = 8, 4, 3, 1e-2


def batch(kind: str, gen: torch.Generator) -> dict:
    x = torch.rand(B, 1, 28, 28, generator=gen, dtype=torch.float64)
    if kind == "classifier":
        labels = torch.tensor([3, 7, 0, 9])
        return {"x": x, "target": nn_one_hot(labels)}
    out = {"x": x, "target": torch.randn(B, 1, 28, 28, generator=gen, dtype=torch.float64)}
    if kind != "denoiser":
        out["t"] = torch.rand(B, 1, generator=gen, dtype=torch.float64)
    if kind.endswith("class"):
        c = nn_one_hot(torch.tensor([1, 4, 8, 2]))
        c[3] = 0  # one unconditional row
        out["c"] = c
    return out


def nn_one_hot(labels: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.one_hot(labels, 10).to(torch.float64)


def loss_of(kind: str, model, inputs: dict) -> torch.Tensor:
    args = [inputs["x"]] + [inputs[k] for k in ("t", "c") if k in inputs]
    y = model(*args)
    if kind == "classifier":
        return -(torch.log_softmax(y, 1) * inputs["target"]).sum() / y.shape[0]
    return torch.nn.functional.mse_loss(y, inputs["target"])


def generate(kind: str) -> None:
    torch.manual_seed(0)
    model = make_model(kind, D)
    gen = torch.Generator().manual_seed(1)
    inputs = batch(kind, gen)
    init = {k: v.detach().clone() for k, v in model.state_dict().items() if "num_batches" not in k}

    tensors = {f"weight.{k}": v.float() for k, v in init.items()}
    tensors.update({f"batch.{k}": v.float() for k, v in inputs.items()})

    # float64 gradients of one step, and the running stats it leaves behind
    model64 = make_model(kind, D).double()
    model64.load_state_dict(init, strict=False)
    model64.train()
    loss = loss_of(kind, model64, inputs)
    loss.backward()
    for name, p in model64.named_parameters():
        tensors[f"grad.{name}"] = p.grad.float()
    for name, buf in model64.named_buffers():
        if "running" in name:
            tensors[f"next.{name}"] = buf.float()
    # eval-mode output with the initial parameters and those updated running statistics
    model64.eval()
    with torch.no_grad():
        args = [inputs["x"]] + [inputs[k] for k in ("t", "c") if k in inputs]
        tensors["eval.y"] = model64(*args).float()

    # a short Adam trajectory in float64, each step on the same batch
    model64 = make_model(kind, D).double()
    model64.load_state_dict(init, strict=False)
    opt = torch.optim.Adam(model64.parameters(), lr=LR)
    losses = []
    for _ in range(ADAM_STEPS):
        opt.zero_grad()
        step_loss = loss_of(kind, model64, inputs)
        step_loss.backward()
        opt.step()
        losses.append(step_loss.item())

    count = sum(p.numel() for p in model.parameters())
    meta = {"kind": kind, "D": str(D), "B": str(B), "lr": str(LR), "loss": repr(loss.item()),
            "adam_losses": json.dumps(losses), "parameter_count": str(count), "torch": torch.__version__}
    OUT.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in tensors.items()}, OUT / f"{kind}-d{D}.safetensors", metadata=meta)
    print(kind, "params", count, "loss", loss.item(), "adam losses", losses)


if __name__ == "__main__":
    torch.use_deterministic_algorithms(True)
    for kind in ("denoiser", "flow-time", "ddpm-time", "flow-class", "classifier"):
        generate(kind)
    for kind, D64 in (("denoiser", 1975361), ("flow-time", 1996417), ("flow-class", 2019201)):
        n = sum(p.numel() for p in make_model(kind, 64).parameters())
        assert n == D64, (kind, n)
    print("parameter counts at D=64 match the spec")
