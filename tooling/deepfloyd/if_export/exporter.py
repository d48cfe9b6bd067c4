"""Export orchestration shared by `export` (real weights) and `standins` (tiny random models): UNets, embeddings,
optional text encoder, and the manifest that ties them together."""

from __future__ import annotations

import json
import platform
import time
from dataclasses import dataclass
from pathlib import Path

from . import FORMAT_NAME, FORMAT_VERSION
from .contract import (
    EMBEDDINGS_DIR,
    EMBEDDINGS_FILE,
    EMBEDDINGS_INDEX,
    MANIFEST_FILE,
    STAGE_DIRS,
    TEXT_ENCODER_DATA_FILE,
    TEXT_ENCODER_DIR,
    TEXT_ENCODER_FILE,
    TEXT_SEQ_LEN,
    TIMESTEP_DTYPE,
    TOKENIZER_DIR,
    UNET_DATA_FILE,
    UNET_FILE,
    text_encoder_inputs,
    text_encoder_outputs,
    unet_inputs,
    unet_outputs,
)
from .snapshot import StageSnapshot, TextEncoderSnapshot

STAGE_DEFAULTS = {
    1: {"numInferenceSteps": 100, "guidanceScale": 7.0},
    2: {"numInferenceSteps": 50, "guidanceScale": 4.0, "noiseLevel": 250},
}


@dataclass
class ExportOptions:
    out: Path
    dtype: str  # "fp16" | "fp32"
    opset: int
    external: str  # "auto" | "always" | "never"
    device: str
    verify: bool
    embeddings_dtype: str  # "float16" | "float32"
    clean_caption: bool
    stand_in: bool = False


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _scheduler_json(config: dict) -> dict:
    """The full diffusers DDPMScheduler config (defaults filled in), keys as diffusers names them."""
    from diffusers import DDPMScheduler

    scheduler = DDPMScheduler.from_config({k: v for k, v in config.items() if k != "lambda_min_clipped"})
    return {k: v for k, v in dict(scheduler.config).items() if not k.startswith("_")}


def _rel(path: Path | None, root: Path) -> str | None:
    return None if path is None else path.relative_to(root).as_posix()


def export_stage(snapshot: StageSnapshot, opts: ExportOptions) -> dict:
    import torch
    from diffusers import UNet2DConditionModel

    stage = snapshot.stage
    log(f"loading stage {stage} UNet from {snapshot.root / 'unet'}")
    unet = UNet2DConditionModel.from_pretrained(
        str(snapshot.root / "unet"),
        variant=snapshot.weights.variant,
        torch_dtype=torch.float32 if opts.dtype == "fp32" else torch.float16,
    )
    from .onnx_export import export_unet

    out_dir = opts.out / STAGE_DIRS[stage]
    log(f"exporting stage {stage} UNet ({opts.dtype}, opset {opts.opset}) to {out_dir / UNET_FILE}")
    result = export_unet(
        unet,
        stage,
        opts.dtype,
        out_dir,
        opts.opset,
        opts.external,
        opts.device,
        opts.verify,
        metadata={
            "diffusion_studio.contract": f"deepfloyd-if-stage{stage}-v{FORMAT_VERSION}",
            "diffusion_studio.model_id": snapshot.model_id,
        },
        onnx_name=UNET_FILE,
        data_name=UNET_DATA_FILE,
    )
    if result.max_abs_diff is not None:
        log(f"  onnxruntime vs torch: max |diff| {result.max_abs_diff:.3g} (max |out| {result.max_abs_ref:.3g})")
    size = snapshot.sample_size
    entry = {
        "modelId": snapshot.model_id,
        "onnx": _rel(result.onnx_path, opts.out),
        "externalData": _rel(result.data_path, opts.out),
        "weightsDtype": "float16" if opts.dtype == "fp16" else "float32",
        "opset": result.opset,
        "sampleSize": size,
        "inChannels": snapshot.in_channels,
        "outChannels": snapshot.out_channels,
        "imageChannels": 3,
        "textSeqLen": TEXT_SEQ_LEN,
        "textDim": snapshot.text_dim,
        "timestepDtype": TIMESTEP_DTYPE,
        "inputs": [s.to_json() for s in unet_inputs(stage, snapshot.in_channels, size, snapshot.text_dim)],
        "outputs": [s.to_json() for s in unet_outputs(snapshot.out_channels, size)],
        "scheduler": _scheduler_json(snapshot.scheduler_config),
        "defaults": STAGE_DEFAULTS[stage],
        "verification": {"maxAbsDiff": result.max_abs_diff, "maxAbsOutput": result.max_abs_ref, "batch": 2},
    }
    if stage == 2:
        entry["imageNoisingScheduler"] = _scheduler_json(snapshot.noising_scheduler_config or {})
        entry["upsampling"] = {"mode": "bilinear", "alignCorners": True}
    return entry


def _load_text_side(text: TextEncoderSnapshot, device: str, dtype: str):
    import torch
    from transformers import AutoTokenizer, T5EncoderModel

    tokenizer = AutoTokenizer.from_pretrained(str(text.tokenizer_dir))
    encoder = (
        T5EncoderModel.from_pretrained(
            str(text.root / "text_encoder"),
            variant=text.weights.variant,
            torch_dtype=torch.float32 if dtype == "fp32" else torch.float16,
        )
        .to(device)
        .eval()
    )
    return tokenizer, encoder


def export_embeddings(text: TextEncoderSnapshot, prompts: list[str], opts: ExportOptions, model_id: str) -> dict:
    from .embeddings import encode_prompts, encoding_pipeline, write_store

    # The T5 weights are usually fp16 on disk; compute in fp32 on CPU (fp16 matmuls are slow or missing there).
    compute_dtype = "fp16" if opts.device.startswith("cuda") and text.weights.variant == "fp16" else "fp32"
    log(f"loading T5 encoder from {text.root / 'text_encoder'} ({compute_dtype} on {opts.device})")
    tokenizer, encoder = _load_text_side(text, opts.device, compute_dtype)
    pipe = encoding_pipeline(tokenizer, encoder)
    log(f'encoding {len(prompts)} prompt(s) (the last is the null prompt "")')
    embeds = encode_prompts(pipe, prompts, opts.device, opts.clean_caption)
    out_dir = opts.out / EMBEDDINGS_DIR
    write_store(out_dir, prompts, embeds, opts.embeddings_dtype, tokenizer, model_id, opts.clean_caption)
    del pipe, encoder
    return {
        "safetensors": f"{EMBEDDINGS_DIR}/{EMBEDDINGS_FILE}",
        "index": f"{EMBEDDINGS_DIR}/{EMBEDDINGS_INDEX}",
        "dtype": opts.embeddings_dtype,
        "shape": [TEXT_SEQ_LEN, int(embeds.shape[-1])],
        "count": len(prompts),
    }


def export_text_encoder_onnx(text: TextEncoderSnapshot, opts: ExportOptions) -> dict:
    from .onnx_export import export_text_encoder

    tokenizer, encoder = _load_text_side(text, opts.device, opts.dtype)
    tok_dir = opts.out / TOKENIZER_DIR
    tokenizer.save_pretrained(str(tok_dir))  # writes tokenizer.json, which transformers.js loads
    out_dir = opts.out / TEXT_ENCODER_DIR
    log(f"exporting T5 encoder ({opts.dtype}) to {out_dir / TEXT_ENCODER_FILE}")
    result = export_text_encoder(
        encoder,
        out_dir,
        opts.opset,
        opts.external,
        opts.device,
        opts.verify,
        metadata={"diffusion_studio.contract": f"deepfloyd-if-t5-v{FORMAT_VERSION}"},
        onnx_name=TEXT_ENCODER_FILE,
        data_name=TEXT_ENCODER_DATA_FILE,
    )
    if result.max_abs_diff is not None:
        log(f"  onnxruntime vs torch: max |diff| {result.max_abs_diff:.3g}")
    d_model = int(encoder.config.d_model)
    return {
        "onnx": _rel(result.onnx_path, opts.out),
        "externalData": _rel(result.data_path, opts.out),
        "weightsDtype": "float16" if opts.dtype == "fp16" else "float32",
        "opset": result.opset,
        "tokenizer": f"{TOKENIZER_DIR}/tokenizer.json",
        "maxLength": TEXT_SEQ_LEN,
        "padTokenId": int(tokenizer.pad_token_id),
        "eosTokenId": int(tokenizer.eos_token_id),
        "textDim": d_model,
        "preprocessing": "lowercase+strip",
        "inputs": [s.to_json() for s in text_encoder_inputs()],
        "outputs": [s.to_json() for s in text_encoder_outputs(d_model)],
        "verification": {"maxAbsDiff": result.max_abs_diff, "maxAbsOutput": result.max_abs_ref, "batch": 2},
    }


def write_manifest(
    opts: ExportOptions, stages: dict[int, dict], embeddings: dict | None, text_encoder: dict | None
) -> Path:
    import diffusers
    import onnx
    import torch
    import transformers

    manifest = {
        "format": FORMAT_NAME,
        "formatVersion": FORMAT_VERSION,
        "standIn": opts.stand_in,
        "createdWith": {
            "torch": torch.__version__.split("+")[0],
            "diffusers": diffusers.__version__,
            "transformers": transformers.__version__,
            "onnx": onnx.__version__,
            "python": platform.python_version(),
        },
        "stages": {f"stage{k}": v for k, v in sorted(stages.items())},
        "embeddings": embeddings,
        "textEncoder": text_encoder,
    }
    path = opts.out / MANIFEST_FILE
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return path
