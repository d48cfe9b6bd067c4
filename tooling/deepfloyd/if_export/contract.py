"""The ONNX contract the TypeScript runtime relies on: file layout, tensor names, dtypes and shapes.

Everything here is part of manifest format version 1; changing a name or a dtype is a breaking change.
"""

from __future__ import annotations

from dataclasses import dataclass

# Layout of an export directory (paths relative to it).
MANIFEST_FILE = "manifest.json"
STAGE_DIRS = {1: "stage_1", 2: "stage_2"}
UNET_FILE = "unet.onnx"
UNET_DATA_FILE = "unet.onnx.data"  # external weights, only written for models over 2 GB (or when forced)
TEXT_ENCODER_DIR = "text_encoder"
TEXT_ENCODER_FILE = "model.onnx"
TEXT_ENCODER_DATA_FILE = "model.onnx.data"
TOKENIZER_DIR = "tokenizer"
EMBEDDINGS_DIR = "embeddings"
EMBEDDINGS_FILE = "embeddings.safetensors"
EMBEDDINGS_INDEX = "index.json"

# T5 is run with max_length 77 by every IF pipeline (diffusers encode_prompt and the original t5.py).
TEXT_SEQ_LEN = 77

# Protobuf cannot hold a single file over 2 GiB; above this the weights go to one external data file.
PROTOBUF_LIMIT_BYTES = 2**31 - 1

DEFAULT_OPSET = 17

# Timesteps and noise levels are integers in [0, 999] but are fed as float32: every value is exact in float32,
# the UNet casts them to float before the sinusoidal projection anyway, and float32 spares the TypeScript side
# BigInt64Array.
TIMESTEP_DTYPE = "float32"


@dataclass(frozen=True)
class TensorSpec:
    name: str
    dtype: str  # ONNX element type name as onnxruntime-node reports it: "float32", "int64"
    shape: tuple[int | str, ...]  # "batch" marks the one dynamic axis

    def to_json(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "shape": list(self.shape)}


def unet_inputs(stage: int, in_channels: int, size: int, text_dim: int) -> list[TensorSpec]:
    specs = [
        TensorSpec("sample", "float32", ("batch", in_channels, size, size)),
        TensorSpec("timestep", TIMESTEP_DTYPE, ("batch",)),
        TensorSpec("encoder_hidden_states", "float32", ("batch", TEXT_SEQ_LEN, text_dim)),
    ]
    if stage == 2:
        specs.append(TensorSpec("class_labels", TIMESTEP_DTYPE, ("batch",)))
    return specs


def unet_outputs(out_channels: int, size: int) -> list[TensorSpec]:
    return [TensorSpec("out", "float32", ("batch", out_channels, size, size))]


def text_encoder_inputs() -> list[TensorSpec]:
    return [
        TensorSpec("input_ids", "int64", ("batch", TEXT_SEQ_LEN)),
        TensorSpec("attention_mask", "int64", ("batch", TEXT_SEQ_LEN)),
    ]


def text_encoder_outputs(text_dim: int) -> list[TensorSpec]:
    return [TensorSpec("last_hidden_state", "float32", ("batch", TEXT_SEQ_LEN, text_dim))]


# Expected channel layout per stage: stage I maps 3 -> 6 (eps + variance), stage II maps 6 (x_t ++ noised
# upsampled low-res image) -> 6.
EXPECTED_CHANNELS = {1: (3, 6), 2: (6, 6)}
EXPECTED_PIPELINE_CLASS = {1: "IFPipeline", 2: "IFSuperResolutionPipeline"}
