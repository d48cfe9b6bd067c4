"""Independent re-implementation of the recorded IF pipelines (numpy + onnxruntime, no torch, no diffusers).

It reads only what the TypeScript runtime will read (manifest, ONNX files, embedding store, recordings) and follows
the algorithm in the fixture README, so a pass here shows the fixtures are reproducible from their stored inputs.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

from .onnx_export import ort_session

TOLERANCE = 1e-4  # for everything that is not a whole pipeline run (UNet step 0, schedule, upsampling, stores)


def scaled_diff(got: np.ndarray, ref: np.ndarray) -> float:
    """max |got - ref| / max(1, max |ref|): absolute for images in [-1, 1], relative for runs that grow large."""
    return float(np.abs(got - ref).max() / max(1.0, float(np.abs(ref).max())))


def alphas_cumprod(num_train_timesteps: int = 1000) -> np.ndarray:
    """squaredcos_cap_v2: betas from the Glide cosine alpha-bar in float64, then float32 like diffusers."""

    def alpha_bar(t: float) -> float:
        return math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2

    betas = [
        min(1 - alpha_bar((i + 1) / num_train_timesteps) / alpha_bar(i / num_train_timesteps), 0.999)
        for i in range(num_train_timesteps)
    ]
    alphas = 1.0 - np.asarray(betas, dtype=np.float32)
    return np.cumprod(alphas, dtype=np.float32)


def threshold(x0: np.ndarray, ratio: float, max_value: float) -> np.ndarray:
    """Dynamic thresholding per image: s = quantile(|x0|, ratio) (linear interpolation), clamp s to [1, max]."""
    b = x0.shape[0]
    flat = x0.reshape(b, -1)
    s = np.quantile(np.abs(flat), ratio, axis=1, method="linear").astype(np.float32)
    s = np.clip(s, 1.0, max_value)[:, None]
    return (np.clip(flat, -s, s) / s).reshape(x0.shape).astype(np.float32)


def ddpm_step(out6, t, prev_t, x, z, ac, cfg) -> np.ndarray:
    """One DDPMScheduler.step with learned_range variance (diffusers semantics, float32)."""
    eps, v = out6[:, :3], out6[:, 3:]
    one = np.float32(1.0)
    a_t = ac[t]
    a_prev = ac[prev_t] if prev_t >= 0 else one
    beta_prod = one - a_t
    beta_prod_prev = one - a_prev
    cur_alpha = a_t / a_prev
    cur_beta = one - cur_alpha
    x0 = (x - np.sqrt(beta_prod) * eps) / np.sqrt(a_t)
    if cfg["thresholding"]:
        x0 = threshold(x0, cfg["dynamic_thresholding_ratio"], cfg["sample_max_value"])
    elif cfg["clip_sample"]:
        r = cfg["clip_sample_range"]
        x0 = np.clip(x0, -r, r)
    mean = (np.sqrt(a_prev) * cur_beta / beta_prod) * x0 + (np.sqrt(cur_alpha) * beta_prod_prev / beta_prod) * x
    if t > 0:
        var = max(beta_prod_prev / beta_prod * cur_beta, np.float32(1e-20))
        min_log, max_log = np.log(var), np.log(cur_beta)
        frac = (v + 1) / 2
        log_var = frac * max_log + (1 - frac) * min_log
        mean = mean + np.exp(0.5 * log_var) * z
    return mean.astype(np.float32)


def upsample_bilinear_align_corners(img: np.ndarray, size: int) -> np.ndarray:
    """[B, C, h, w] -> [B, C, size, size], bilinear with align_corners=True (source = dst * (in-1)/(out-1))."""
    _, _, h, w = img.shape

    def axis(n_in: int):
        pos = np.arange(size, dtype=np.float64) * ((n_in - 1) / (size - 1))
        i0 = np.clip(np.floor(pos).astype(int), 0, n_in - 1)
        i1 = np.minimum(i0 + 1, n_in - 1)
        return i0, i1, (pos - i0).astype(np.float32)

    y0, y1, fy = axis(h)
    x0, x1, fx = axis(w)
    top = img[:, :, y0][:, :, :, x0] * (1 - fx) + img[:, :, y0][:, :, :, x1] * fx
    bottom = img[:, :, y1][:, :, :, x0] * (1 - fx) + img[:, :, y1][:, :, :, x1] * fx
    return (top * (1 - fy)[:, None] + bottom * fy[:, None]).astype(np.float32)


def run_case(
    case: dict, stage: dict, session, t: dict[str, np.ndarray], ac: np.ndarray
) -> tuple[dict[str, float], float]:
    """Returns (component differences, which must stay within TOLERANCE, and the pipeline differences
    {"vsOrt": ..., "vsTorch": ...} to be compared with the case's own tolerances)."""
    names = case["tensors"]
    cond, uncond = t[names["promptEmbeds"]], t[names["negativePromptEmbeds"]]
    embeds = np.concatenate([uncond, cond])  # unconditional half first
    gamma = np.float32(case["guidanceScale"])
    timesteps = case["timesteps"]
    x = t[names["initialNoise"]]  # DDPMScheduler.init_noise_sigma is 1
    step_noise = t[names["stepNoise"]]
    errors: dict[str, float] = {}
    trajectory = t[names["trajectoryOrt"]]
    vs_ort = 0.0
    upscaled_noisy = None
    if case["stage"] == 2:
        up = upsample_bilinear_align_corners(t[names["lowRes"]], stage["sampleSize"])
        errors["upscaled"] = float(np.abs(up - t[names["upscaled"]]).max())
        a = ac[case["noiseLevel"]]
        upscaled_noisy = np.sqrt(a) * up + np.sqrt(np.float32(1) - a) * t[names["imageNoise"]]
        errors["upscaledNoisy"] = float(np.abs(upscaled_noisy - t[names["upscaledNoisy"]]).max())
    for i, ts in enumerate(timesteps):
        model_in = x if upscaled_noisy is None else np.concatenate([x, upscaled_noisy], axis=1)
        batch = np.concatenate([model_in, model_in])
        feeds = {
            "sample": batch,
            "timestep": np.full((2,), ts, dtype=np.float32),
            "encoder_hidden_states": embeds,
        }
        if case["stage"] == 2:
            feeds["class_labels"] = np.full((2,), case["noiseLevel"], dtype=np.float32)
        out = session.run(["out"], feeds)[0]
        if i == 0:
            errors["unetOutStep0"] = float(np.abs(out - t[names["unetOutStep0"]]).max())
        out_u, out_c = out[:1], out[1:]
        eps = out_u[:, :3] + gamma * (out_c[:, :3] - out_u[:, :3])
        guided = np.concatenate([eps, out_c[:, 3:]], axis=1)  # conditional branch's variance channels
        prev_t = timesteps[i + 1] if i + 1 < len(timesteps) else -1
        z = step_noise[i] if ts > 0 else None
        x = ddpm_step(guided, ts, prev_t, x, z, ac, case["scheduler"])
        vs_ort = max(vs_ort, scaled_diff(x, trajectory[i]))
    vs_ort = max(vs_ort, scaled_diff(x, t[names["outputOrt"]]))
    return errors, {"vsOrt": vs_ort, "vsTorch": scaled_diff(x, t[names["output"]])}


def check_fixtures(root: Path) -> dict[str, dict[str, float]]:
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    rec = json.loads((root / "recordings" / "recordings.json").read_text(encoding="utf-8"))
    tensors = load_file(str(root / "recordings" / rec["file"]))
    ac = alphas_cumprod()
    schedule_err = float(np.abs(ac - tensors["schedule/alphas_cumprod"]).max())
    print(f"alphas_cumprod: max |diff| {schedule_err:.3g}")
    if schedule_err > 1e-6:
        raise SystemExit(f"FAIL: alphas_cumprod differs from the recording by {schedule_err:.3g}")
    worst = schedule_err
    store_index = json.loads((root / manifest["embeddings"]["index"]).read_text(encoding="utf-8"))
    store = load_file(str(root / manifest["embeddings"]["safetensors"]))
    by_prompt = {e["prompt"]: store[e["key"]] for e in store_index["prompts"]}
    sessions = {}
    failures = []
    measured = {}
    for case in rec["cases"]:
        stage = manifest["stages"][f"stage{case['stage']}"]
        if case["stage"] not in sessions:
            sessions[case["stage"]] = ort_session(root / stage["onnx"], "cpu")
        names = case["tensors"]
        store_err = max(
            float(np.abs(by_prompt[case["prompt"]] - tensors[names["promptEmbeds"]][0]).max()),
            float(np.abs(by_prompt[case["negativePrompt"]] - tensors[names["negativePromptEmbeds"]][0]).max()),
        )
        errors, pipeline = run_case(case, stage, sessions[case["stage"]], tensors, ac)
        errors["embeddingStore"] = store_err
        measured[case["name"]] = pipeline
        worst = max(worst, *errors.values())
        bad = [k for k, v in errors.items() if v > TOLERANCE]
        bad += [k for k, v in pipeline.items() if v > case["tolerance"][k]]
        failures += [f"{case['name']}.{k}" for k in bad]
        detail = ", ".join(f"{k} {v:.2g}" for k, v in {**errors, **pipeline}.items())
        print(f"{case['name']}: {'FAIL ' + ','.join(bad) if bad else 'ok'} ({detail})")
    if manifest.get("textEncoder"):
        te_err = _check_text_encoder(root, manifest, store_index, store)
        if te_err > TOLERANCE:
            failures.append("textEncoder")
    if failures:
        print(f"FAIL: {', '.join(failures)} beyond tolerance")
        raise SystemExit(1)
    print("OK: every recording reproduced within its tolerance")
    return measured


def _check_text_encoder(root: Path, manifest: dict, index: dict, store: dict) -> float:
    """Run the exported T5 on the stored token ids; it must reproduce the embedding store."""
    from tokenizers import Tokenizer

    te = manifest["textEncoder"]
    session = ort_session(root / te["onnx"], "cpu")
    tokenizer = Tokenizer.from_file(str(root / te["tokenizer"]))
    worst = 0.0
    for entry in index["prompts"]:
        ids_from_json = tokenizer.encode(entry["prompt"].lower().strip()).ids
        if ids_from_json != entry["inputIds"][: entry["tokenCount"]]:
            print(f"tokenizer.json disagrees with the stored ids for {entry['prompt']!r}")
            return float("inf")
        ids = np.asarray([entry["inputIds"]], dtype=np.int64)
        mask = (np.arange(ids.shape[1]) < entry["tokenCount"]).astype(np.int64)[None]
        got = session.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask})[0][0]
        worst = max(worst, float(np.abs(got - store[entry["key"]]).max()))
    print(f"text encoder ONNX vs embedding store: max |diff| {worst:.3g}")
    return worst
