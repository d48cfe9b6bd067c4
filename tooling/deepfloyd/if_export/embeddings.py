"""Precompute T5 prompt embeddings with diffusers' own IFPipeline.encode_prompt into a safetensors store."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from safetensors.numpy import save_file

from .contract import EMBEDDINGS_FILE, EMBEDDINGS_INDEX, TEXT_SEQ_LEN

NULL_PROMPT = ""


def read_prompt_file(path: Path) -> list[str]:
    """One prompt per line; blank lines and lines starting with '#' are skipped. The null prompt is always added."""
    prompts: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if len(line) > 2000:
            raise ValueError(f"{path}: prompt longer than 2000 characters: {line[:40]}...")
        prompts.append(line)
    return with_null_prompt(prompts)


def with_null_prompt(prompts: list[str]) -> list[str]:
    unique = list(dict.fromkeys(prompts))
    if NULL_PROMPT not in unique:
        unique.append(NULL_PROMPT)
    return unique


def encoding_pipeline(tokenizer, text_encoder):
    """An IFPipeline holding only the text side: encode_prompt needs nothing else."""
    from diffusers import IFPipeline

    return IFPipeline(
        tokenizer=tokenizer,
        text_encoder=text_encoder,
        unet=None,
        scheduler=None,
        safety_checker=None,
        feature_extractor=None,
        watermarker=None,
        requires_safety_checker=False,
    )


def encode_prompts(pipe, prompts: list[str], device: str, clean_caption: bool, batch_size: int = 8) -> np.ndarray:
    chunks = []
    for start in range(0, len(prompts), batch_size):
        batch = prompts[start : start + batch_size]
        with torch.no_grad():
            embeds, _ = pipe.encode_prompt(
                batch,
                do_classifier_free_guidance=False,
                num_images_per_prompt=1,
                device=torch.device(device),
                clean_caption=clean_caption,
            )
        chunks.append(embeds.float().cpu().numpy())
    return np.concatenate(chunks, axis=0)


def token_ids(tokenizer, prompt: str) -> tuple[list[int], int]:
    """The ids encode_prompt feeds T5 (after its own lower()/strip() preprocessing) and the attention-mask length."""
    enc = tokenizer(
        prompt.lower().strip(),
        padding="max_length",
        max_length=TEXT_SEQ_LEN,
        truncation=True,
        add_special_tokens=True,
    )
    return [int(i) for i in enc["input_ids"]], int(sum(enc["attention_mask"]))


def write_store(
    out_dir: Path,
    prompts: list[str],
    embeddings: np.ndarray,
    dtype: str,
    tokenizer,
    model_id: str,
    clean_caption: bool,
) -> dict:
    """Write embeddings.safetensors (tensor per prompt, keys p000, p001, ...) and index.json; return the index."""
    out_dir.mkdir(parents=True, exist_ok=True)
    np_dtype = {"float16": np.float16, "float32": np.float32}[dtype]
    tensors = {}
    entries = []
    for i, prompt in enumerate(prompts):
        key = f"p{i:03d}"
        tensors[key] = np.ascontiguousarray(embeddings[i].astype(np_dtype))
        ids, length = token_ids(tokenizer, prompt)
        entries.append({"prompt": prompt, "key": key, "tokenCount": length, "inputIds": ids})
    save_file(tensors, str(out_dir / EMBEDDINGS_FILE), metadata={"format": "diffusion-studio/if-embeddings"})
    index = {
        "format": "diffusion-studio/if-embeddings",
        "version": 1,
        "file": EMBEDDINGS_FILE,
        "dtype": dtype,
        "shape": [TEXT_SEQ_LEN, int(embeddings.shape[-1])],
        "textEncoder": model_id,
        "nullPrompt": NULL_PROMPT,
        "preprocessing": "clean_caption" if clean_caption else "lowercase+strip",
        "prompts": entries,
    }
    (out_dir / EMBEDDINGS_INDEX).write_text(json.dumps(index, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return index
