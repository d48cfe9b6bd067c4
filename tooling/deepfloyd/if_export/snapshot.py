"""Validate a local diffusers snapshot of an IF stage before any expensive work (the `--dry-run` checks).

Reads only JSON files and safetensors headers, so it finishes in seconds even for IF-I-XL. Every problem is collected
and reported together, each naming the file and the expected value.
"""

from __future__ import annotations

import json
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .contract import EXPECTED_CHANNELS, EXPECTED_PIPELINE_CLASS

WEIGHT_BASENAMES = {
    "unet": "diffusion_pytorch_model",
    "text_encoder": "model",
}


class SnapshotError(Exception):
    """A snapshot is missing files, corrupt, or not the IF stage that was asked for."""


@dataclass
class WeightsInfo:
    files: list[Path]
    variant: str | None  # "fp16" when only the `.fp16.` files are present
    tensors: dict[str, tuple[str, list[int]]]  # name -> (safetensors dtype, shape); empty for .bin checkpoints
    total_bytes: int


@dataclass
class StageSnapshot:
    stage: int
    root: Path
    model_id: str
    unet_config: dict
    scheduler_config: dict
    noising_scheduler_config: dict | None
    weights: WeightsInfo

    @property
    def in_channels(self) -> int:
        return int(self.unet_config["in_channels"])

    @property
    def out_channels(self) -> int:
        return int(self.unet_config["out_channels"])

    @property
    def sample_size(self) -> int:
        return int(self.unet_config["sample_size"])

    @property
    def text_dim(self) -> int:
        return int(self.unet_config["encoder_hid_dim"])


@dataclass
class TextEncoderSnapshot:
    root: Path
    config: dict
    weights: WeightsInfo
    tokenizer_dir: Path

    @property
    def d_model(self) -> int:
        return int(self.config["d_model"])


@dataclass
class Problems:
    items: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        self.items.append(message)

    def raise_if_any(self, what: str) -> None:
        if self.items:
            lines = "\n".join(f"  - {m}" for m in self.items)
            raise SnapshotError(f"{what} failed validation ({len(self.items)} problem(s)):\n{lines}")


def _read_json(path: Path, problems: Problems) -> dict | None:
    if not path.is_file():
        problems.add(f"missing file {path}")
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        problems.add(f"{path} is not valid JSON ({err}); the download is probably corrupt")
        return None
    if not isinstance(value, dict):
        problems.add(f"{path} must hold a JSON object, found {type(value).__name__}")
        return None
    return value


def read_safetensors_header(path: Path) -> dict[str, tuple[str, list[int]]]:
    """Parse a safetensors header and check that the file is exactly as long as the header says."""
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise SnapshotError(f"{path}: {size} bytes, too short to be a safetensors file")
        if head.startswith(b"version "):
            raise SnapshotError(
                f"{path} is a Git LFS pointer, not the weights: run `git lfs pull` in the snapshot, or download it "
                "with `huggingface-cli download`"
            )
        (header_len,) = struct.unpack("<Q", head)
        if header_len > min(size - 8, 100 * 2**20):
            raise SnapshotError(f"{path}: header length {header_len} does not fit in a {size}-byte file (corrupt)")
        try:
            header = json.loads(f.read(header_len).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise SnapshotError(f"{path}: unreadable safetensors header ({err}); the file is corrupt") from err
    tensors: dict[str, tuple[str, list[int]]] = {}
    data_end = 0
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        tensors[name] = (entry["dtype"], list(entry["shape"]))
        data_end = max(data_end, int(entry["data_offsets"][1]))
    expected = 8 + header_len + data_end
    if size != expected:
        raise SnapshotError(
            f"{path}: file is {size} bytes but its header describes {expected} bytes; "
            "the download is truncated or corrupt, fetch it again"
        )
    return tensors


def find_weights(folder: Path, basename: str, problems: Problems) -> WeightsInfo | None:
    """Locate (possibly sharded, possibly fp16-variant) weights the way diffusers/transformers would load them."""
    candidates: list[tuple[str | None, list[Path]]] = []
    for variant in (None, "fp16"):
        infix = f".{variant}" if variant else ""
        single = folder / f"{basename}{infix}.safetensors"
        index = folder / f"{basename}.safetensors.index{infix}.json"
        legacy_index = folder / f"{basename}{infix}.safetensors.index.json"
        binary = folder / (f"pytorch_model{infix}.bin" if basename == "model" else f"{basename}{infix}.bin")
        if single.is_file():
            candidates.append((variant, [single]))
        for idx in (index, legacy_index):
            if idx.is_file():
                data = _read_json(idx, problems)
                if data is None:
                    return None
                shards = sorted({folder / name for name in data.get("weight_map", {}).values()})
                missing = [s.name for s in shards if not s.is_file()]
                if missing:
                    problems.add(f"{idx} lists shard(s) that are missing: {', '.join(missing)}")
                    return None
                candidates.append((variant, shards))
                break
        if binary.is_file():
            candidates.append((variant, [binary]))
    if not candidates:
        problems.add(
            f"no weights in {folder}: expected {basename}.safetensors, {basename}.fp16.safetensors, "
            "a sharded *.safetensors.index.json, or a .bin checkpoint"
        )
        return None
    variant, files = candidates[0]
    tensors: dict[str, tuple[str, list[int]]] = {}
    total = 0
    for path in files:
        total += path.stat().st_size
        if path.suffix == ".safetensors":
            try:
                tensors.update(read_safetensors_header(path))
            except SnapshotError as err:
                problems.add(str(err))
                return None
        elif not zipfile.is_zipfile(path):
            problems.add(f"{path} is not a readable PyTorch checkpoint (not a zip archive); it is corrupt")
            return None
    return WeightsInfo(files=files, variant=variant, tensors=tensors, total_bytes=total)


def _check_weights_match_config(unet_config: dict, weights: WeightsInfo, where: Path, problems: Problems) -> None:
    """Instantiate the UNet on the meta device (no memory) and compare parameter names and shapes to the header."""
    if not weights.tensors:
        return  # .bin checkpoints: names are only known after unpickling; the load step will check them
    import torch
    from diffusers import UNet2DConditionModel

    config = {k: v for k, v in unet_config.items() if not k.startswith("_")}
    try:
        with torch.device("meta"):
            model = UNet2DConditionModel.from_config(config)
    except Exception as err:  # noqa: BLE001 - any config diffusers rejects is a user-facing problem here
        problems.add(f"{where}/config.json is not a valid UNet2DConditionModel config: {err}")
        return
    expected = {name: list(t.shape) for name, t in model.state_dict().items()}
    missing = sorted(set(expected) - set(weights.tensors))
    unexpected = sorted(set(weights.tensors) - set(expected))
    wrong = [
        f"{n} has shape {weights.tensors[n][1]}, config implies {expected[n]}"
        for n in sorted(set(expected) & set(weights.tensors))
        if weights.tensors[n][1] != expected[n]
    ]
    if missing or unexpected or wrong:
        details = []
        if missing:
            details.append(f"{len(missing)} missing (e.g. {missing[0]})")
        if unexpected:
            details.append(f"{len(unexpected)} unexpected (e.g. {unexpected[0]})")
        if wrong:
            details.append(f"{len(wrong)} with the wrong shape (e.g. {wrong[0]})")
        problems.add(
            f"weights in {where} do not match its config.json: " + "; ".join(details) + ". The weights and the "
            "config come from different models, or the snapshot is mixed up. (If only names differ and you know "
            "the snapshot loads in diffusers, --no-weight-check skips this check.)"
        )


def _model_id(root: Path, model_index: dict) -> str:
    name = model_index.get("_name_or_path")
    return str(name) if name else root.resolve().name


def load_stage_snapshot(root: Path, stage: int, check_weights: bool = True) -> StageSnapshot:
    """Validate `root` as a diffusers snapshot of IF stage `stage` (1 or 2); raise SnapshotError listing problems."""
    problems = Problems()
    what = f"stage {'I' if stage == 1 else 'II'} snapshot {root}"
    if not root.is_dir():
        raise SnapshotError(f"{what}: directory does not exist")
    model_index = _read_json(root / "model_index.json", problems) or {}
    pipeline_class = model_index.get("_class_name")
    expected_class = EXPECTED_PIPELINE_CLASS[stage]
    if model_index and pipeline_class != expected_class:
        hint = ""
        if pipeline_class in EXPECTED_PIPELINE_CLASS.values():
            hint = " (did you swap the stage I and stage II folders?)"
        problems.add(f"model_index.json says _class_name={pipeline_class!r}, expected {expected_class!r}{hint}")

    unet_config = _read_json(root / "unet" / "config.json", problems) or {}
    if unet_config:
        if unet_config.get("_class_name") != "UNet2DConditionModel":
            problems.add(
                f"unet/config.json: _class_name is {unet_config.get('_class_name')!r}, expected 'UNet2DConditionModel'"
            )
        want_in, want_out = EXPECTED_CHANNELS[stage]
        if unet_config.get("in_channels") != want_in:
            problems.add(
                f"unet/config.json: in_channels is {unet_config.get('in_channels')}, stage {stage} needs {want_in}"
            )
        if unet_config.get("out_channels") != want_out:
            problems.add(
                f"unet/config.json: out_channels is {unet_config.get('out_channels')}, stage {stage} needs {want_out} "
                "(3 noise channels + 3 learned-variance channels)"
            )
        size = unet_config.get("sample_size")
        if not isinstance(size, int) or size <= 0 or size % 8:
            problems.add(
                f"unet/config.json: sample_size is {size!r}, expected a positive multiple of 8 (64 or 256 for IF)"
            )
        hid = unet_config.get("encoder_hid_dim")
        if not isinstance(hid, int) or hid <= 0:
            problems.add(f"unet/config.json: encoder_hid_dim is {hid!r}, expected the T5 width (4096 for IF)")
        want_class_embed = "timestep" if stage == 2 else None
        if unet_config.get("class_embed_type") != want_class_embed:
            problems.add(
                f"unet/config.json: class_embed_type is {unet_config.get('class_embed_type')!r}, stage {stage} "
                f"needs {want_class_embed!r}" + (" (noise-level conditioning)" if stage == 2 else "")
            )

    scheduler_config = _read_json(root / "scheduler" / "scheduler_config.json", problems) or {}
    if scheduler_config:
        for key, want in (
            ("_class_name", "DDPMScheduler"),
            ("variance_type", "learned_range"),
            ("beta_schedule", "squaredcos_cap_v2"),
            ("prediction_type", "epsilon"),
        ):
            if scheduler_config.get(key, "epsilon" if key == "prediction_type" else None) != want:
                problems.add(
                    f"scheduler/scheduler_config.json: {key} is {scheduler_config.get(key)!r}, expected {want!r}"
                )

    noising_config = None
    if stage == 2:
        noising_config = _read_json(root / "image_noising_scheduler" / "scheduler_config.json", problems)
        if noising_config and noising_config.get("beta_schedule") != "squaredcos_cap_v2":
            problems.add(
                "image_noising_scheduler/scheduler_config.json: beta_schedule is "
                f"{noising_config.get('beta_schedule')!r}, expected 'squaredcos_cap_v2'"
            )

    weights = None
    if (root / "unet").is_dir():
        weights = find_weights(root / "unet", WEIGHT_BASENAMES["unet"], problems)
        if weights and unet_config and check_weights and not problems.items:
            _check_weights_match_config(unet_config, weights, root / "unet", problems)
    problems.raise_if_any(what)
    assert weights is not None
    return StageSnapshot(
        stage=stage,
        root=root,
        model_id=_model_id(root, model_index),
        unet_config=unet_config,
        scheduler_config=scheduler_config,
        noising_scheduler_config=noising_config,
        weights=weights,
    )


def load_text_encoder_snapshot(root: Path) -> TextEncoderSnapshot:
    """Validate the T5 encoder + tokenizer inside an IF snapshot (IF-I-* ships them as text_encoder/ and tokenizer/)."""
    problems = Problems()
    what = f"text encoder in {root}"
    config = _read_json(root / "text_encoder" / "config.json", problems) or {}
    if config and config.get("model_type") != "t5":
        problems.add(f"text_encoder/config.json: model_type is {config.get('model_type')!r}, expected 't5'")
    if config and not isinstance(config.get("d_model"), int):
        problems.add("text_encoder/config.json: d_model is missing")
    weights = None
    if (root / "text_encoder").is_dir():
        weights = find_weights(root / "text_encoder", WEIGHT_BASENAMES["text_encoder"], problems)
    tok = root / "tokenizer"
    if not any((tok / f).is_file() for f in ("tokenizer.json", "spiece.model")):
        problems.add(f"{tok} has neither tokenizer.json nor spiece.model")
    problems.raise_if_any(what)
    assert weights is not None
    return TextEncoderSnapshot(root=root, config=config, weights=weights, tokenizer_dir=tok)


def check_stage_pair(
    stage1: StageSnapshot | None, stage2: StageSnapshot | None, text: TextEncoderSnapshot | None
) -> None:
    """Cross-checks between stages: one T5 width everywhere, stage II upscales what stage I produces."""
    problems = Problems()
    dims = {}
    if stage1:
        dims["stage I encoder_hid_dim"] = stage1.text_dim
    if stage2:
        dims["stage II encoder_hid_dim"] = stage2.text_dim
    if text:
        dims["text encoder d_model"] = text.d_model
    if len(set(dims.values())) > 1:
        problems.add("text widths disagree: " + ", ".join(f"{k}={v}" for k, v in dims.items()))
    if stage1 and stage2 and stage2.sample_size <= stage1.sample_size:
        problems.add(
            f"stage II sample_size {stage2.sample_size} is not larger than stage I sample_size {stage1.sample_size}"
        )
    problems.raise_if_any("stage combination")


def human_bytes(n: int) -> str:
    return f"{n / 2**30:.2f} GiB" if n >= 2**30 else f"{n / 2**20:.1f} MiB"


def describe(snapshot: StageSnapshot) -> str:
    w = snapshot.weights
    return (
        f"stage {'I' if snapshot.stage == 1 else 'II'}: {snapshot.model_id} at {snapshot.root}\n"
        f"    UNet {snapshot.in_channels}->{snapshot.out_channels} channels, "
        f"{snapshot.sample_size}x{snapshot.sample_size}, "
        f"text width {snapshot.text_dim}; weights {len(w.files)} file(s), {human_bytes(w.total_bytes)}"
        + (f" (variant {w.variant})" if w.variant else "")
        + f"\n    scheduler: thresholding={snapshot.scheduler_config.get('thresholding')}, "
        f"sample_max_value={snapshot.scheduler_config.get('sample_max_value')}"
    )
