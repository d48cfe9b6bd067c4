"""Record diffusers DDPMScheduler and torchvision-style blur outputs as JSON fixtures for packages/core tests.

Run: python3 tooling/scheduler-fixtures/generate.py [fixture.json …]   (default: all)
Writes packages/core/test/fixtures/{ddpm-scheduler,few-step-schedulers,gaussian-blur}.json. CI does not need Python: the JSON is committed.
"""

import json
import sys
from pathlib import Path

import diffusers
import numpy as np
import torch
import torch.nn.functional as F
from diffusers import (
    DDIMScheduler,
    DDPMScheduler,
    DPMSolverMultistepScheduler,
    FlowMatchEulerDiscreteScheduler,
    FlowMatchHeunDiscreteScheduler,
)

OUT = Path(__file__).resolve().parents[2] / "packages" / "core" / "test" / "fixtures"
COURSE_TIMESTEPS = list(range(990, -1, -30))


def flat(t: torch.Tensor) -> list[float]:
    """float32 values as the shortest decimal that round-trips in float32 (JS gets them back with Math.fround)."""
    return [float(np.format_float_positional(v, unique=True, trim="-")) if abs(v) >= 1e-4 or v == 0 else float(np.format_float_scientific(v, unique=True)) for v in t.detach().to(torch.float32).reshape(-1).numpy()]


def make_scheduler(cfg: dict) -> DDPMScheduler:
    kwargs = {k: v for k, v in cfg.items() if k != "custom_timesteps"}
    sched = DDPMScheduler(**kwargs)
    if cfg.get("custom_timesteps"):
        sched.set_timesteps(timesteps=cfg["custom_timesteps"])
    return sched


def step_case(name: str, cfg: dict, t: int, seed: int, x0_scale: float = 1.0) -> dict:
    sched = make_scheduler(cfg)
    gen = torch.Generator().manual_seed(seed)
    shape = (2, 3, 4, 5)
    x0 = (torch.rand(shape, generator=gen) * 2 - 1) * x0_scale
    eps_true = torch.randn(shape, generator=gen)
    x_t = sched.add_noise(x0, eps_true, torch.tensor([t]))
    # A model output that is close to, but not exactly, the true noise.
    eps = eps_true + 0.1 * torch.randn(shape, generator=gen)
    v = torch.rand(shape, generator=gen) * 2.4 - 1.2
    learned = cfg.get("variance_type") == "learned_range"
    model_output = torch.cat([eps, v], dim=1) if learned else eps
    if cfg.get("prediction_type") == "sample":
        model_output = x0 + 0.05 * torch.randn(shape, generator=gen)
    step_seed = seed + 1000
    out = sched.step(model_output, t, x_t, generator=torch.Generator().manual_seed(step_seed))
    # diffusers draws the step noise with randn_tensor(shape, generator); replay the same draw to record it.
    noise = torch.randn(shape, generator=torch.Generator().manual_seed(step_seed))
    prev_t = int(sched.previous_timestep(t))
    return {
        "name": name,
        "config": {k: v for k, v in cfg.items() if k != "custom_timesteps"},
        "timesteps": cfg.get("custom_timesteps"),
        "shape": list(shape),
        "t": t,
        "prevT": prev_t,
        "x": flat(x_t),
        "modelOutput": flat(eps if cfg.get("prediction_type") != "sample" else model_output),
        "variance": flat(v) if learned else None,
        "noise": flat(noise),
        "prevSample": flat(out.prev_sample),
        "predOriginalSample": flat(out.pred_original_sample),
    }


def dummy_model(x: torch.Tensor, t: int, learned: bool) -> torch.Tensor:
    """A deterministic stand-in network, easy to write identically in TypeScript (float32 throughout)."""
    eps = 0.9 * x + torch.tensor(t / 1000.0, dtype=torch.float32) * 0.05
    return torch.cat([eps, 0.3 * x], dim=1) if learned else eps


def full_loop_case(name: str, cfg: dict, to_clean: bool, seed: int) -> dict:
    """Runs the whole denoising loop with diffusers' step, recording the initial sample and every step's noise."""
    sched = make_scheduler(cfg)
    timesteps = [int(t) for t in sched.timesteps]
    shape = (1, 2, 3, 3)
    x = torch.randn(shape, generator=torch.Generator().manual_seed(seed))
    initial = x.clone()
    learned = cfg.get("variance_type") == "learned_range"
    noises = []
    steps = timesteps if to_clean else timesteps[:-1]  # the course stops at t = 0 without the final step
    for i, t in enumerate(steps):
        step_seed = seed * 1000 + i
        x = sched.step(dummy_model(x, t, learned), t, x, generator=torch.Generator().manual_seed(step_seed)).prev_sample
        if t > 0:
            noises.append(flat(torch.randn(shape, generator=torch.Generator().manual_seed(step_seed))))
    return {
        "name": name,
        "config": {k: v for k, v in cfg.items() if k != "custom_timesteps"},
        "timesteps": timesteps,
        "toClean": to_clean,
        "shape": list(shape),
        "initial": flat(initial),
        "noises": noises,
        "final": flat(x),
        "sumAbs": float(x.abs().sum()),
        "meanAbs": float(x.abs().mean()),
    }


def ddpm_fixtures() -> dict:
    cosine = {"beta_schedule": "squaredcos_cap_v2", "num_train_timesteps": 1000}
    course = {
        **cosine,
        "variance_type": "learned_range",
        "thresholding": False,
        "clip_sample": False,
        "custom_timesteps": COURSE_TIMESTEPS,
    }
    if_stage1 = {**course, "thresholding": True, "dynamic_thresholding_ratio": 0.95, "sample_max_value": 1.5}
    if_stage2 = {**if_stage1, "sample_max_value": 1.0}
    fixed_small = {**course, "variance_type": "fixed_small"}
    fixed_large = {**course, "variance_type": "fixed_large"}
    clipped = {**fixed_small, "clip_sample": True, "clip_sample_range": 1.0}
    x0_pred = {**fixed_small, "prediction_type": "sample"}
    linear300 = {
        "beta_schedule": "linear",
        "num_train_timesteps": 300,
        "beta_start": 1e-4,
        "beta_end": 0.02,
        "variance_type": "fixed_large",
        "clip_sample": False,
    }
    cases = []
    seed = 0
    for name, cfg, ts in [
        ("course-learned-range", course, [990, 690, 390, 30, 0]),
        ("if-stage1-thresholding", if_stage1, [990, 690, 30, 0]),
        ("if-stage2-thresholding", if_stage2, [960, 90]),
        ("fixed-small", fixed_small, [990, 300, 30]),
        ("fixed-large", fixed_large, [990, 300, 30]),
        ("clip-sample", clipped, [990, 60]),
        ("sample-prediction", x0_pred, [600, 0]),
        ("linear300-ancestral", linear300, [299, 150, 1, 0]),
    ]:
        for t in ts:
            seed += 1
            # x0 beyond [−1, 1] makes the 95th-percentile threshold land between 1 and sample_max_value.
            cases.append(step_case(f"{name}@{t}", cfg, t, seed, x0_scale=1.3))

    sched_cos = DDPMScheduler(**cosine)
    sched_lin = DDPMScheduler(**{k: linear300[k] for k in ("beta_schedule", "num_train_timesteps", "beta_start", "beta_end")})
    gen = torch.Generator().manual_seed(7)
    x0 = torch.rand((1, 3, 2, 3), generator=gen) * 2 - 1
    noise = torch.randn((1, 3, 2, 3), generator=gen)
    add_noise = [
        {"t": t, "x0": flat(x0), "noise": flat(noise), "noisy": flat(sched_cos.add_noise(x0, noise, torch.tensor([t])))}
        for t in (0, 250, 500, 750, 999)
    ]
    spacing = {}
    for n, kind in [(100, "leading"), (20, "leading"), (34, "leading"), (50, "trailing"), (27, "linspace")]:
        s = DDPMScheduler(**cosine, timestep_spacing=kind)
        s.set_timesteps(n)
        spacing[f"{kind}-{n}"] = [int(v) for v in s.timesteps]
    full_loops = [
        full_loop_case("course loop (990 → 0 stride 30, learned range)", course, False, 21),
        full_loop_case("IF stage I loop (leading 100 steps to clean, thresholding)", {**if_stage1, "custom_timesteps": list(range(990, -1, -10))}, True, 22),
        full_loop_case("part B DDPM loop (linear T = 300, fixed_large)", {**linear300, "custom_timesteps": list(range(299, -1, -1))}, True, 23),
    ]
    return {
        "generator": "tooling/scheduler-fixtures/generate.py",
        "fullLoops": full_loops,
        "versions": {"diffusers": diffusers.__version__, "torch": torch.__version__},
        "schedules": {
            "squaredcos_cap_v2": {"betas": flat(sched_cos.betas), "alphasCumprod": flat(sched_cos.alphas_cumprod)},
            "linear300": {"betas": flat(sched_lin.betas), "alphasCumprod": flat(sched_lin.alphas_cumprod)},
        },
        "addNoise": add_noise,
        "spacing": spacing,
        "steps": cases,
    }


def eps_model(x: torch.Tensor, t: float) -> torch.Tensor:
    """The ε stand-in of the few-step loops (same as dummy_model without variance)."""
    return 0.9 * x + torch.tensor(t / 1000.0, dtype=torch.float32) * 0.05


def flow_model(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """A flow stand-in in diffusers' convention: v = noise − data on x = (1−σ)·data + σ·noise.
    Core's velocity is u = −v at t = 1 − σ."""
    return 0.9 * x + torch.tensor(sigma, dtype=torch.float32) * 0.05 - 0.3


def few_step_loop(name: str, sched, model, shape, seed: int, sigma_of=None, eta: float = 0.0) -> dict:
    """Runs a whole loop of a few-step scheduler, recording the start, the time of every model call, each step's noise
    and output. `sigma_of(t)` maps diffusers' timestep to the flow σ the model reads (None for ε schedulers)."""
    x = torch.randn(shape, generator=torch.Generator().manual_seed(seed))
    initial = x.clone()
    calls, noises, outputs = [], [], []
    for i, t in enumerate(sched.timesteps):
        t = float(t)
        calls.append(t)
        out = model(x, sigma_of(i) if sigma_of else t)
        kwargs = {}
        if eta > 0:
            step_seed = seed * 1000 + i
            kwargs = {"eta": eta, "generator": torch.Generator().manual_seed(step_seed)}
            noises.append(flat(torch.randn(shape, generator=torch.Generator().manual_seed(step_seed))))
        x = sched.step(out, sched.timesteps[i], x, **kwargs).prev_sample
        outputs.append(flat(x))
    return {
        "name": name,
        "shape": list(shape),
        "calls": calls,
        "initial": flat(initial),
        "noises": noises,
        "outputs": outputs,
    }


def uniform_flow_sigmas(n: int) -> list[float]:
    """Core's flow levels t = k/N as diffusers' σ = 1 − t, for k = 0 … N−1 (diffusers appends σ = 0)."""
    return [1.0 - k / n for k in range(n)]


def heun_with_sigmas(n: int) -> FlowMatchHeunDiscreteScheduler:
    """FlowMatchHeunDiscreteScheduler has no custom-sigmas argument: build its interleaved lists as set_timesteps does."""
    sched = FlowMatchHeunDiscreteScheduler()
    sched.set_timesteps(n)
    sigmas = torch.tensor(uniform_flow_sigmas(n), dtype=torch.float32)
    timesteps = sigmas * sched.config.num_train_timesteps
    sched.timesteps = torch.cat([timesteps[:1], timesteps[1:].repeat_interleave(2)])
    sigmas = torch.cat([sigmas, torch.zeros(1)])
    sched.sigmas = torch.cat([sigmas[:1], sigmas[1:-1].repeat_interleave(2), sigmas[-1:]])
    return sched


def flow_dpm_with_sigmas(n: int) -> DPMSolverMultistepScheduler:
    """DPM-Solver++(2M) on flow sigmas, moved to core's grid σ = 1 − k/N (diffusers' own starts at 1 − 1/T)."""
    sched = DPMSolverMultistepScheduler(
        algorithm_type="dpmsolver++", solver_order=2, prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=1.0
    )
    sched.set_timesteps(n)
    sigmas = torch.tensor(uniform_flow_sigmas(n) + [0.0], dtype=torch.float32)
    sched.sigmas = sigmas
    sched.timesteps = sigmas[:-1] * sched.config.num_train_timesteps
    return sched


def few_step_fixtures() -> dict:
    cosine = {"beta_schedule": "squaredcos_cap_v2", "num_train_timesteps": 1000}
    linear300 = {"beta_schedule": "linear", "num_train_timesteps": 300, "beta_start": 1e-4, "beta_end": 0.02}
    shape = (1, 2, 3, 3)
    loops = []
    for label, schedule, n, eta, seed in [
        ("ddim cosine 10 steps η = 0", cosine, 10, 0.0, 31),
        ("ddim cosine 10 steps η = 0.5", cosine, 10, 0.5, 32),
        ("ddim linear T = 300, 6 steps η = 1", linear300, 6, 1.0, 33),
    ]:
        sched = DDIMScheduler(**schedule, clip_sample=False, set_alpha_to_one=True)
        sched.set_timesteps(n)
        loops.append({"sampler": "ddim", "schedule": schedule, "eta": eta, **few_step_loop(label, sched, eps_model, shape, seed, eta=eta)})
    for label, schedule, n, spacing, seed in [
        ("dpm-solver++(2m) cosine 8 steps, leading", cosine, 8, "leading", 34),
        ("dpm-solver++(2m) linear T = 300, 5 steps", linear300, 5, "linspace", 35),
    ]:
        sched = DPMSolverMultistepScheduler(**schedule, algorithm_type="dpmsolver++", solver_order=2, timestep_spacing=spacing)
        sched.set_timesteps(n)
        loops.append({"sampler": "dpm-solver", "schedule": schedule, **few_step_loop(label, sched, eps_model, shape, seed)})
    for label, sampler, make, n, seed in [
        ("flow Euler 6 steps", "flow-euler", None, 6, 36),
        ("flow Heun 5 steps (9 evaluations)", "flow-heun", heun_with_sigmas, 5, 37),
        ("flow DPM-Solver++(2M) 7 steps", "flow-dpm-solver", flow_dpm_with_sigmas, 7, 38),
    ]:
        if make is None:
            sched = FlowMatchEulerDiscreteScheduler()
            sched.set_timesteps(sigmas=uniform_flow_sigmas(n))
        else:
            sched = make(n)
        # σ of each model call: for Heun the interleaved list, otherwise the step's σ.
        sigma_of = (lambda i, s=sched: float(s.sigmas[i])) if sampler != "flow-heun" else (lambda i, s=sched: float(s.timesteps[i]) / 1000.0)
        loops.append({"sampler": sampler, "steps": n, **few_step_loop(label, sched, flow_model, shape, seed, sigma_of=sigma_of)})
    return {
        "generator": "tooling/scheduler-fixtures/generate.py",
        "versions": {"diffusers": diffusers.__version__, "torch": torch.__version__},
        "loops": loops,
    }


def torchvision_gaussian_blur(img: torch.Tensor, kernel_size: int, sigma: float) -> torch.Tensor:
    """torchvision.transforms.functional.gaussian_blur on a float tensor, written out in plain torch
    (torchvision is not needed): normalised 1-D kernel exp(−x²/2σ²), outer product, reflect padding, depthwise conv."""
    half = (kernel_size - 1) * 0.5
    x = torch.linspace(-half, half, steps=kernel_size)
    pdf = torch.exp(-0.5 * (x / sigma).pow(2))
    k1 = pdf / pdf.sum()
    k2 = k1[:, None] * k1[None, :]
    c = img.shape[1]
    weight = k2.expand(c, 1, kernel_size, kernel_size)
    pad = kernel_size // 2
    padded = F.pad(img, [pad, pad, pad, pad], mode="reflect")
    return F.conv2d(padded, weight, groups=c)


def blur_fixtures() -> dict:
    gen = torch.Generator().manual_seed(11)
    cases = []
    for shape, k, sigma in [((1, 2, 36, 36), 33, 2.0), ((2, 3, 9, 11), 5, None), ((1, 1, 8, 8), 7, 2.5)]:
        img = torch.rand(shape, generator=gen) * 2 - 1
        s = sigma if sigma is not None else 0.3 * ((k - 1) * 0.5 - 1) + 0.8
        cases.append(
            {"shape": list(shape), "kernelSize": k, "sigma": sigma, "input": flat(img), "output": flat(torchvision_gaussian_blur(img, k, s))}
        )
    return {"generator": "tooling/scheduler-fixtures/generate.py", "cases": cases}


def main() -> None:
    torch.manual_seed(0)
    OUT.mkdir(parents=True, exist_ok=True)
    makers = {
        "ddpm-scheduler.json": ddpm_fixtures,
        "few-step-schedulers.json": few_step_fixtures,
        "gaussian-blur.json": blur_fixtures,
    }
    # Names on the command line write only those files (another CPU or torch build changes float32 last bits).
    for name in sys.argv[1:] or makers:
        data = makers[name]()
        path = OUT / name
        path.write_text(json.dumps(data, separators=(",", ":")) + "\n")
        print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
