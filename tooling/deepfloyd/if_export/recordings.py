"""Record diffusers' own IFPipeline / IFSuperResolutionPipeline runs on the stand-ins: every noise draw, the step-0
UNet output, the noised upsampled image, trajectories and outputs, with the torch UNet and with the exported ONNX
UNet swapped in."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from safetensors.numpy import save_file

from .standins import SEED

RECORD_PROMPT = "a high quality photo"
STRIDE30 = list(range(990, -1, -30))  # the course's strided_timesteps: 990, 960, ..., 30, 0 (34 entries)
STAGE2_STEPS = 10  # leading spacing -> 900, 800, ..., 0
STAGE2_NOISE_LEVEL = 250


class NoiseRecorder:
    """Wraps diffusers' randn_tensor where the IF pipelines and DDPMScheduler call it, keeping every draw in order."""

    MODULES = (
        "diffusers.pipelines.deepfloyd_if.pipeline_if",
        "diffusers.pipelines.deepfloyd_if.pipeline_if_superresolution",
        "diffusers.schedulers.scheduling_ddpm",
    )

    def __init__(self):
        self.draws: list[np.ndarray] = []
        self._saved = []

    def __enter__(self):
        import importlib

        for name in self.MODULES:
            module = importlib.import_module(name)
            original = module.randn_tensor

            def recording(*args, _original=original, **kwargs):
                value = _original(*args, **kwargs)
                self.draws.append(value.detach().float().cpu().numpy().copy())
                return value

            self._saved.append((module, original))
            module.randn_tensor = recording
        return self

    def __exit__(self, *exc):
        for module, original in self._saved:
            module.randn_tensor = original
        self._saved.clear()


def _first_unet_output(pipe):
    """Capture the UNet's raw output [2B, 6, H, W] of the first denoising step (debug aid for parity tests)."""
    captured: list[np.ndarray] = []

    def hook(_module, _inputs, output):
        if not captured:
            captured.append(output[0].detach().float().cpu().numpy().copy())

    return captured, pipe.unet.register_forward_hook(hook)


class OrtUNet(torch.nn.Module):
    """Stands in for pipe.unet so diffusers' pipeline code runs on the exported ONNX graph (onnxruntime CPU).

    Float32 rounding differs between torch and onnxruntime by ~1e-5 per UNet call, and 34 steps of CFG x7 and
    1/sqrt(alpha_bar) amplify that to 1e-4..1e-2. Recording the same pipeline on the same ONNX graph gives the
    TypeScript runtime (also onnxruntime 1.30) a reference it can match to ~1e-6, testing only the pipeline logic.
    """

    def __init__(self, unet, onnx_path: Path):
        super().__init__()
        from .onnx_export import ort_session

        self.config = unet.config
        self._anchor = torch.nn.Parameter(torch.zeros(1), requires_grad=False)  # gives the pipeline a device/dtype
        self._session = ort_session(onnx_path, "cpu")

    @property
    def device(self) -> torch.device:
        return torch.device("cpu")

    @property
    def dtype(self) -> torch.dtype:
        return torch.float32

    def forward(
        self, sample, timestep, encoder_hidden_states, class_labels=None, cross_attention_kwargs=None, return_dict=False
    ):
        batch = sample.shape[0]
        feeds = {
            "sample": sample.float().numpy(),
            "timestep": np.full((batch,), float(timestep), dtype=np.float32),
            "encoder_hidden_states": encoder_hidden_states.float().numpy(),
        }
        if class_labels is not None:
            feeds["class_labels"] = class_labels.float().numpy().reshape(batch)
        out = self._session.run(["out"], feeds)[0]
        return (torch.from_numpy(out),)


def _alphas_cumprod() -> np.ndarray:
    from diffusers import DDPMScheduler

    return DDPMScheduler(beta_schedule="squaredcos_cap_v2").alphas_cumprod.numpy().astype(np.float32)


def _run(pipe, **kwargs) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Call a pipeline, returning (output, trajectory, first UNet output, noise draws, add_noise in/out if any)."""
    trajectory: list[np.ndarray] = []
    captured, handle = _first_unet_output(pipe)
    noised: list[np.ndarray] = []
    noising = getattr(pipe, "image_noising_scheduler", None)
    if noising is not None:
        original_add_noise = noising.add_noise

        def add_noise_spy(original, noise, timesteps):
            result = original_add_noise(original, noise, timesteps)
            noised.extend([original.float().cpu().numpy().copy(), result.float().cpu().numpy().copy()])
            return result

        noising.add_noise = add_noise_spy
    try:
        with NoiseRecorder() as rec, torch.no_grad():
            image = pipe(
                **kwargs,
                output_type="pt",
                callback=lambda i, t, x: trajectory.append(x.float().cpu().numpy().copy()),
                callback_steps=1,
            ).images
    finally:
        handle.remove()
        if noising is not None:
            noising.add_noise = original_add_noise
    return image.float().cpu().numpy(), np.stack(trajectory), captured[0], rec.draws, noised


def _same_draws(a: list[np.ndarray], b: list[np.ndarray], what: str) -> None:
    if len(a) != len(b) or any(not np.array_equal(x, y) for x, y in zip(a, b, strict=True)):
        raise RuntimeError(f"{what}: noise draws differ between runs; the generator is not reproducible")


def _config(scheduler) -> dict:
    return {k: v for k, v in dict(scheduler.config).items() if not k.startswith("_")}


def record(stage1_dir: Path, stage2_dir: Path, export_dir: Path, out_dir: Path) -> dict:
    """Run diffusers' pipelines on the stand-ins with fixed generators and save inputs + outputs.

    Each case runs twice with identical noise: with the torch UNet (`output`: diffusers end to end) and with the
    exported ONNX UNet swapped in (`outputOrt`, `trajectoryOrt`: diffusers' pipeline logic on onnxruntime numerics).
    """
    from diffusers import DDPMScheduler, IFPipeline, IFSuperResolutionPipeline
    from safetensors.numpy import load_file

    embeddings_dir = export_dir / "embeddings"
    index = json.loads((embeddings_dir / "index.json").read_text(encoding="utf-8"))
    store = load_file(str(embeddings_dir / index["file"]))
    key_of = {e["prompt"]: e["key"] for e in index["prompts"]}
    cond = torch.from_numpy(store[key_of[RECORD_PROMPT]].astype(np.float32))[None]
    uncond = torch.from_numpy(store[key_of[""]].astype(np.float32))[None]

    tensors: dict[str, np.ndarray] = {
        "schedule/alphas_cumprod": _alphas_cumprod(),
        "embeds/cond": cond.numpy(),
        "embeds/uncond": uncond.numpy(),
    }
    cases = []

    pipe1 = IFPipeline.from_pretrained(
        str(stage1_dir),
        text_encoder=None,
        safety_checker=None,
        feature_extractor=None,
        watermarker=None,
        requires_safety_checker=False,
    )
    pipe1.set_progress_bar_config(disable=True)
    torch_unet1, ort_unet1 = pipe1.unet, OrtUNet(pipe1.unet, export_dir / "stage_1" / "unet.onnx")
    base_scheduler = dict(pipe1.scheduler.config)
    # (name, scheduler overrides, note, tolerance vs the torch-UNet output; see README "Tolerances")
    variants = [
        ("stage1_threshold", {}, "scheduler as shipped: dynamic thresholding (ratio 0.95, sample_max_value 1.5)", 1e-4),
        (
            "stage1_clip",
            {"thresholding": False},
            "thresholding off; clip_sample stays true, so x0 is clamped to [-1, 1]",
            5e-4,
        ),
        (
            "stage1_plain",
            {"thresholding": False, "clip_sample": False},
            "no thresholding, no clipping (course loop)",
            1e-4,
        ),
    ]
    stage1_final = None
    first_draws: list[np.ndarray] | None = None
    for name, overrides, note, torch_tolerance in variants:
        ort_tolerance = 2e-4 if name == "stage1_clip" else 1e-4
        pipe1.scheduler = DDPMScheduler.from_config({**base_scheduler, **overrides})
        call = dict(prompt_embeds=cond, negative_prompt_embeds=uncond, timesteps=STRIDE30, guidance_scale=7.0)
        pipe1.unet = torch_unet1
        out_t, _, step0, draws, _ = _run(pipe1, generator=torch.Generator("cpu").manual_seed(SEED + 1), **call)
        pipe1.unet = ort_unet1
        out_o, traj_o, _, draws_o, _ = _run(pipe1, generator=torch.Generator("cpu").manual_seed(SEED + 1), **call)
        # Draw order: x_T first, then one variance noise per step with t > 0.
        if len(draws) != len(STRIDE30):
            raise RuntimeError(f"{name}: expected {len(STRIDE30)} noise draws, recorded {len(draws)}")
        _same_draws(draws, draws_o, name)
        if first_draws is None:
            first_draws = draws
            tensors["stage1/noise_xT"] = draws[0]
            tensors["stage1/noise_steps"] = np.stack(draws[1:])
        _same_draws(first_draws, draws, name)
        tensors[f"{name}/unet_out_step0"] = step0
        tensors[f"{name}/output"] = out_t
        tensors[f"{name}/output_ort"] = out_o
        tensors[f"{name}/trajectory_ort"] = traj_o
        if stage1_final is None:
            stage1_final = out_t
        cases.append(
            {
                "name": name,
                "stage": 1,
                "description": f"IFPipeline text-to-image, CFG 7, custom timesteps 990..0 stride 30; {note}",
                "prompt": RECORD_PROMPT,
                "negativePrompt": "",
                "guidanceScale": 7.0,
                "timesteps": STRIDE30,
                "scheduler": _config(pipe1.scheduler),
                "tolerance": {"vsOrt": ort_tolerance, "vsTorch": torch_tolerance},
                "tensors": {
                    "promptEmbeds": "embeds/cond",
                    "negativePromptEmbeds": "embeds/uncond",
                    "initialNoise": "stage1/noise_xT",
                    "stepNoise": "stage1/noise_steps",
                    "unetOutStep0": f"{name}/unet_out_step0",
                    "output": f"{name}/output",
                    "outputOrt": f"{name}/output_ort",
                    "trajectoryOrt": f"{name}/trajectory_ort",
                },
            }
        )

    pipe2 = IFSuperResolutionPipeline.from_pretrained(
        str(stage2_dir),
        tokenizer=None,
        text_encoder=None,
        safety_checker=None,
        feature_extractor=None,
        watermarker=None,
        requires_safety_checker=False,
    )
    pipe2.set_progress_bar_config(disable=True)
    call2 = dict(
        image=torch.from_numpy(stage1_final),
        prompt_embeds=cond,
        negative_prompt_embeds=uncond,
        num_inference_steps=STAGE2_STEPS,
        guidance_scale=4.0,
        noise_level=STAGE2_NOISE_LEVEL,
    )
    out_t, _, step0, draws, noised = _run(pipe2, generator=torch.Generator("cpu").manual_seed(SEED + 2), **call2)
    timesteps2 = [int(t) for t in pipe2.scheduler.timesteps]
    pipe2.unet = OrtUNet(pipe2.unet, export_dir / "stage_2" / "unet.onnx")
    out_o, traj_o, _, draws_o, _ = _run(pipe2, generator=torch.Generator("cpu").manual_seed(SEED + 2), **call2)
    _same_draws(draws, draws_o, "stage2")
    # Draw order: x_T, then the noise for the upsampled image, then one per step with t > 0.
    if len(draws) != 2 + len(timesteps2) - 1:
        raise RuntimeError(f"stage2: unexpected number of noise draws {len(draws)}")
    tensors.update(
        {
            "stage2/low_res": stage1_final,
            "stage2/noise_xT": draws[0],
            "stage2/noise_image": draws[1],
            "stage2/noise_steps": np.stack(draws[2:]),
            "stage2/upscaled": noised[0],
            "stage2/upscaled_noisy": noised[1],
            "stage2/unet_out_step0": step0,
            "stage2/output": out_t,
            "stage2/output_ort": out_o,
            "stage2/trajectory_ort": traj_o,
        }
    )
    cases.append(
        {
            "name": "stage2_nl250",
            "stage": 2,
            "description": "IFSuperResolutionPipeline on the stage1_threshold output, CFG 4, noise_level 250, "
            f"num_inference_steps {STAGE2_STEPS} (leading spacing)",
            "prompt": RECORD_PROMPT,
            "negativePrompt": "",
            "guidanceScale": 4.0,
            "noiseLevel": STAGE2_NOISE_LEVEL,
            "timesteps": timesteps2,
            "scheduler": _config(pipe2.scheduler),
            "imageNoisingScheduler": _config(pipe2.image_noising_scheduler),
            "tolerance": {"vsOrt": 1e-4, "vsTorch": 1e-4},
            "tensors": {
                "promptEmbeds": "embeds/cond",
                "negativePromptEmbeds": "embeds/uncond",
                "lowRes": "stage2/low_res",
                "initialNoise": "stage2/noise_xT",
                "imageNoise": "stage2/noise_image",
                "upscaled": "stage2/upscaled",
                "upscaledNoisy": "stage2/upscaled_noisy",
                "stepNoise": "stage2/noise_steps",
                "unetOutStep0": "stage2/unet_out_step0",
                "output": "stage2/output",
                "outputOrt": "stage2/output_ort",
                "trajectoryOrt": "stage2/trajectory_ort",
            },
        }
    )

    out_dir.mkdir(parents=True, exist_ok=True)
    tensors = {k: np.ascontiguousarray(v.astype(np.float32)) for k, v in sorted(tensors.items())}
    save_file(tensors, str(out_dir / "recordings.safetensors"), metadata={"format": "diffusion-studio/if-recordings"})
    recordings = {
        "format": "diffusion-studio/if-recordings",
        "version": 1,
        "file": "recordings.safetensors",
        "seed": SEED,
        "cases": cases,
        "shapes": {k: list(v.shape) for k, v in tensors.items()},
    }
    (out_dir / "recordings.json").write_text(json.dumps(recordings, indent=2) + "\n", encoding="utf-8")
    return recordings
