"""Trace an IF UNet (or the T5 encoder) to ONNX with the fixed contract and check it against torch with onnxruntime."""

from __future__ import annotations

import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import torch

from .contract import (
    PROTOBUF_LIMIT_BYTES,
    TEXT_SEQ_LEN,
    TensorSpec,
    text_encoder_inputs,
    text_encoder_outputs,
    unet_inputs,
    unet_outputs,
)

TORCH_DTYPES = {"fp32": torch.float32, "fp16": torch.float16}


class UNetContract(torch.nn.Module):
    """Fixes the call signature: float32 tensors in and out whatever the weight dtype, timesteps as a [B] tensor."""

    def __init__(self, unet: torch.nn.Module, stage: int, dtype: torch.dtype):
        super().__init__()
        self.unet = unet
        self.stage = stage
        self.dtype = dtype

    def forward(self, sample, timestep, encoder_hidden_states, class_labels=None):
        out = self.unet(
            sample.to(self.dtype),
            timestep,
            encoder_hidden_states=encoder_hidden_states.to(self.dtype),
            class_labels=class_labels,
            return_dict=False,
        )[0]
        return out.float()


class TextEncoderContract(torch.nn.Module):
    def __init__(self, encoder: torch.nn.Module):
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids, attention_mask):
        return self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0].float()


@dataclass
class ExportResult:
    onnx_path: Path
    data_path: Path | None
    opset: int
    max_abs_diff: float | None
    max_abs_ref: float | None


def _dummy_unet_inputs(specs: list[TensorSpec], batch: int, generator: torch.Generator) -> dict[str, torch.Tensor]:
    values: dict[str, torch.Tensor] = {}
    for spec in specs:
        shape = [batch if d == "batch" else int(d) for d in spec.shape]
        if spec.name in ("timestep", "class_labels"):
            values[spec.name] = torch.randint(0, 1000, shape, generator=generator).float()
        else:
            values[spec.name] = torch.randn(shape, generator=generator)
    return values


def _weights_bytes(module: torch.nn.Module) -> int:
    return sum(t.numel() * t.element_size() for t in module.state_dict().values())


def _save_final(
    tmp_model: Path, onnx_path: Path, data_name: str, external: str, metadata: dict[str, str], weights_bytes: int
) -> Path | None:
    """Re-save the traced model as one .onnx (+ one external data file when needed) with contract metadata.

    The size decision uses the module's weight bytes: protobuf cannot even measure a message over 2 GiB reliably.
    """
    model = onnx.load(str(tmp_model), load_external_data=True)
    for key, value in metadata.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    # Leave 64 MiB for the graph itself (node attributes, constants folded from buffers).
    size = weights_bytes + 2**26
    use_external = external == "always" or (external == "auto" and size >= PROTOBUF_LIMIT_BYTES)
    if external == "never" and size >= PROTOBUF_LIMIT_BYTES:
        raise RuntimeError(f"{onnx_path.name} would be {size / 2**30:.2f} GiB; --external-data never cannot hold it")
    data_path = onnx_path.parent / data_name
    for stale in (onnx_path, data_path):
        stale.unlink(missing_ok=True)
    if use_external:
        onnx.save_model(
            model,
            str(onnx_path),
            save_as_external_data=True,
            all_tensors_to_one_file=True,
            location=data_name,
            size_threshold=1024,
        )
        return data_path
    onnx.save_model(model, str(onnx_path))
    return None


def _trace(
    module: torch.nn.Module, args: tuple, input_names: list[str], output_names: list[str], path: Path, opset: int
):
    dynamic_axes = {name: {0: "batch"} for name in input_names + output_names}
    with warnings.catch_warnings():
        # The TorchScript tracer warns about python branches on shapes (batch >= 64, size checks); the shapes are
        # fixed by the contract so those branches are constant.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            args,
            str(path),
            input_names=input_names,
            output_names=output_names,
            dynamic_axes=dynamic_axes,
            opset_version=opset,
            do_constant_folding=True,
            dynamo=False,
        )


def ort_session(path: Path, device: str):
    import onnxruntime as ort

    providers = ["CPUExecutionProvider"]
    if device.startswith("cuda") and "CUDAExecutionProvider" in ort.get_available_providers():
        providers.insert(0, "CUDAExecutionProvider")
    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), sess_options=options, providers=providers)


def export_unet(
    unet: torch.nn.Module,
    stage: int,
    dtype: str,
    out_dir: Path,
    opset: int,
    external: str,
    device: str,
    verify: bool,
    metadata: dict[str, str],
    onnx_name: str,
    data_name: str,
) -> ExportResult:
    cfg = unet.config
    size = int(cfg.sample_size)
    in_specs = unet_inputs(stage, int(cfg.in_channels), size, int(cfg.encoder_hid_dim))
    out_specs = unet_outputs(int(cfg.out_channels), size)
    torch_dtype = TORCH_DTYPES[dtype]
    if next(unet.parameters()).dtype != torch_dtype:
        unet = unet.to(dtype=torch_dtype)
    unet = unet.to(device).eval()
    weights_bytes = _weights_bytes(unet)
    wrapper = UNetContract(unet, stage, torch_dtype).eval()
    gen = torch.Generator().manual_seed(1234)
    dummy = _dummy_unet_inputs(in_specs, batch=2, generator=gen)  # batch 2 = one CFG pair
    args = tuple(dummy[s.name].to(device) for s in in_specs)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".trace-") as tmp:
        tmp_path = Path(tmp) / "traced.onnx"
        with torch.no_grad():
            _trace(wrapper, args, [s.name for s in in_specs], [s.name for s in out_specs], tmp_path, opset)
        onnx_path = out_dir / onnx_name
        data_path = _save_final(tmp_path, onnx_path, data_name, external, metadata, weights_bytes)
    onnx.checker.check_model(str(onnx_path))
    diff = ref_max = None
    if verify:
        with torch.no_grad():
            ref = wrapper(*args).cpu().numpy()
        session = ort_session(onnx_path, device)
        got = session.run(["out"], {k: v.numpy() for k, v in dummy.items()})[0]
        if got.shape != ref.shape:
            raise RuntimeError(f"onnxruntime output shape {got.shape} differs from torch {ref.shape}")
        diff = float(np.abs(got - ref).max())
        ref_max = float(np.abs(ref).max())
        tolerance = (1e-3 if dtype == "fp32" else 5e-2) * max(1.0, ref_max)
        if not np.isfinite(diff) or diff > tolerance:
            raise RuntimeError(
                f"{onnx_path}: onnxruntime and torch disagree by {diff:.3g} (tolerance {tolerance:.3g}); "
                "the export is not trustworthy"
            )
        del session
    del unet
    return ExportResult(onnx_path, data_path, opset, diff, ref_max)


def export_text_encoder(
    encoder: torch.nn.Module,
    out_dir: Path,
    opset: int,
    external: str,
    device: str,
    verify: bool,
    metadata: dict[str, str],
    onnx_name: str,
    data_name: str,
) -> ExportResult:
    encoder = encoder.to(device).eval()
    wrapper = TextEncoderContract(encoder).eval()
    in_specs = text_encoder_inputs()
    out_specs = text_encoder_outputs(int(encoder.config.d_model))
    gen = torch.Generator().manual_seed(4321)
    ids = torch.randint(3, int(encoder.config.vocab_size), (2, TEXT_SEQ_LEN), generator=gen)
    mask = torch.zeros(2, TEXT_SEQ_LEN, dtype=torch.int64)
    mask[0, :9] = 1
    mask[1, :1] = 1
    ids = ids * mask  # pad id 0 after the "real" tokens, like the tokenizer output
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".trace-") as tmp:
        tmp_path = Path(tmp) / "traced.onnx"
        with torch.no_grad():
            _trace(
                wrapper,
                (ids.to(device), mask.to(device)),
                [s.name for s in in_specs],
                [s.name for s in out_specs],
                tmp_path,
                opset,
            )
        onnx_path = out_dir / onnx_name
        data_path = _save_final(tmp_path, onnx_path, data_name, external, metadata, _weights_bytes(encoder))
    diff = ref_max = None
    if verify:
        with torch.no_grad():
            ref = wrapper(ids.to(device), mask.to(device)).cpu().numpy()
        got = ort_session(onnx_path, device).run(
            ["last_hidden_state"], {"input_ids": ids.numpy(), "attention_mask": mask.numpy()}
        )[0]
        diff = float(np.abs(got - ref).max())
        ref_max = float(np.abs(ref).max())
        if not np.isfinite(diff) or diff > 1e-2 * max(1.0, ref_max):
            raise RuntimeError(f"{onnx_path}: onnxruntime and torch disagree by {diff:.3g}")
    return ExportResult(onnx_path, data_path, opset, diff, ref_max)


def clear_generated(path: Path, keep: tuple[str, ...] = ("README.md",)) -> None:
    """Empty a fixture directory before regenerating it, keeping the hand-written files."""
    if not path.exists():
        return
    for entry in path.iterdir():
        if entry.name in keep:
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
