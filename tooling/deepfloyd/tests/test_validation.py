"""Dry-run validation on good, corrupt and mismatched stand-in snapshots: each bad case must exit with status 2 and a
message naming the problem. Run: python tooling/deepfloyd/tests/test_validation.py (about 30 s on 2 cores)."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from if_export.cli import DEFAULT_PROMPTS, main  # noqa: E402
from if_export.embeddings import read_prompt_file  # noqa: E402
from if_export.standins import build_snapshots  # noqa: E402


def dry_run(stage1: Path | None, stage2: Path | None, out: Path) -> tuple[int, str]:
    argv = ["export", "--out", str(out), "--dry-run"]
    if stage1:
        argv += ["--stage1", str(stage1)]
    if stage2:
        argv += ["--stage2", str(stage2)]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        code = main(argv)
    return code, buf.getvalue()


def edit_json(path: Path, **changes) -> None:
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def main_test() -> int:
    failures = 0
    with tempfile.TemporaryDirectory(prefix="if-validate-") as tmp:
        root = Path(tmp)
        good1, good2 = build_snapshots(root / "good", read_prompt_file(DEFAULT_PROMPTS))
        out = root / "out"

        def case(name: str, mutate, expect_code: int, expect_text: str, use_stage2: bool = True) -> None:
            nonlocal failures
            s1, s2 = root / name / "s1", root / name / "s2"
            shutil.copytree(good1, s1)
            shutil.copytree(good2, s2)
            mutate(s1, s2)
            code, text = dry_run(s1, s2 if use_stage2 else None, out)
            ok = code == expect_code and expect_text in text
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {name}: exit {code}")
            if not ok:
                print(f"      expected exit {expect_code} and {expect_text!r}; got:\n{text}")
            else:
                first = [line for line in text.splitlines() if expect_text in line][0].strip()
                print(f"      {first}")

        case("valid pair", lambda s1, s2: None, 0, "dry run: snapshots are valid")
        case(
            "stages swapped",
            lambda s1, s2: (shutil.rmtree(s1), shutil.copytree(s2, s1)),
            2,
            "did you swap the stage I and stage II folders?",
        )
        case(
            "truncated UNet weights",
            lambda s1, s2: (s1 / "unet" / "diffusion_pytorch_model.safetensors").write_bytes(
                (s1 / "unet" / "diffusion_pytorch_model.safetensors").read_bytes()[:-100]
            ),
            2,
            "truncated or corrupt",
        )
        case(
            "garbage weights file",
            lambda s1, s2: (s2 / "unet" / "diffusion_pytorch_model.safetensors").write_bytes(b"<html>not found</html>"),
            2,
            "safetensors",
        )
        case("missing scheduler", lambda s1, s2: shutil.rmtree(s1 / "scheduler"), 2, "missing file")
        case(
            "corrupt model_index.json",
            lambda s1, s2: (s1 / "model_index.json").write_text('{"_class_name": '),
            2,
            "is not valid JSON",
        )
        case(
            "weights from another model",
            lambda s1, s2: edit_json(s1 / "unet" / "config.json", block_out_channels=[32, 64]),
            2,
            "do not match its config.json",
        )
        case(
            "wrong output channels",
            lambda s1, s2: edit_json(s2 / "unet" / "config.json", out_channels=3),
            2,
            "out_channels is 3, stage 2 needs 6",
        )
        case(
            "non-learned variance",
            lambda s1, s2: edit_json(s1 / "scheduler" / "scheduler_config.json", variance_type="fixed_small"),
            2,
            "variance_type is 'fixed_small', expected 'learned_range'",
        )
        case(
            "missing T5 weights",
            lambda s1, s2: (s1 / "text_encoder" / "model.safetensors").unlink(),
            2,
            "no weights in",
        )
        case(
            "missing shard",
            lambda s1, s2: (
                (s2 / "unet" / "diffusion_pytorch_model.safetensors").rename(
                    s2 / "unet" / "diffusion_pytorch_model-00001-of-00002.safetensors"
                ),
                (s2 / "unet" / "diffusion_pytorch_model.safetensors.index.json").write_text(
                    json.dumps(
                        {
                            "weight_map": {
                                "a": "diffusion_pytorch_model-00001-of-00002.safetensors",
                                "b": "diffusion_pytorch_model-00002-of-00002.safetensors",
                            }
                        }
                    )
                ),
            ),
            2,
            "lists shard(s) that are missing",
        )
        code, text = dry_run(root / "does-not-exist", None, out)
        ok = code == 2 and "directory does not exist" in text
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} missing directory: exit {code}")
        if out.exists():
            print("FAIL dry run wrote to the output directory")
            failures += 1
    print(f"{'all validation cases passed' if not failures else f'{failures} validation case(s) failed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main_test())
