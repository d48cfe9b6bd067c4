"""Command line: `export` (real weights), `standins` (test fixtures), `check` (re-verify an export directory)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from .snapshot import SnapshotError

HERE = Path(__file__).resolve().parent.parent
DEFAULT_PROMPTS = HERE / "prompts" / "course-prompts.txt"
REPO_ROOT = HERE.parent.parent
DEFAULT_FIXTURES = REPO_ROOT / "packages" / "models" / "test" / "fixtures" / "deepfloyd"

DESCRIPTION = """\
Export DeepFloyd IF from local diffusers snapshots to the ONNX files, manifest and prompt-embedding store that
Diffusion Studio loads. Nothing is downloaded: point it at folders you already have (for example
`hf download DeepFloyd/IF-I-L-v1.0 --local-dir ...` on a machine that has accepted the licence)."""

EXPORT_EPILOG = """\
examples:
  # validate both snapshots in seconds, write nothing
  python tooling/deepfloyd/export_if.py export --stage1 ~/IF-I-L-v1.0 --stage2 ~/IF-II-L-v1.0 --out ~/if-onnx --dry-run
  # full export: fp16 UNets, course prompt embeddings
  python tooling/deepfloyd/export_if.py export --stage1 ~/IF-I-L-v1.0 --stage2 ~/IF-II-L-v1.0 --out ~/if-onnx

exit status: 0 success, 2 invalid snapshot or arguments (nothing written), 1 export failed."""


def _add_export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--stage1",
        type=Path,
        metavar="DIR",
        help="diffusers snapshot of IF-I-M, IF-I-L or IF-I-XL (folder holding model_index.json, unet/, "
        "scheduler/, text_encoder/, tokenizer/). Its T5 encoder is used for the embeddings.",
    )
    p.add_argument(
        "--stage2",
        type=Path,
        metavar="DIR",
        help="diffusers snapshot of IF-II-M or IF-II-L (model_index.json, unet/, scheduler/, "
        "image_noising_scheduler/). Optional: without it the portal has no 256x256 upscaling.",
    )
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="output directory (created). Receives manifest.json, stage_1/unet.onnx, stage_2/unet.onnx, "
        "embeddings/ and optionally text_encoder/ + tokenizer/. Point the portal at this folder. manifest.json "
        "lists only what this run exported, so export both stages in one run.",
    )
    p.add_argument(
        "--dtype",
        choices=["fp16", "fp32"],
        default="fp16",
        help="weight precision inside the ONNX files (default fp16: half the disk and VRAM; fp32 is "
        "exact, but IF-I-XL is then 17 GB). Inputs and outputs are float32 either way.",
    )
    p.add_argument(
        "--device",
        default="cpu",
        metavar="DEV",
        help="torch device used for tracing, verification and T5 encoding: cpu (default) or cuda / cuda:N. "
        "fp16 tracing on cpu works but is slow for XL.",
    )
    p.add_argument(
        "--opset",
        type=int,
        default=17,
        metavar="N",
        help="ONNX opset, 14 to 20 (default 17, supported by onnxruntime 1.17 and later, including "
        "onnxruntime-node/web 1.30)",
    )
    p.add_argument(
        "--external-data",
        choices=["auto", "always", "never"],
        default="auto",
        dest="external",
        help="where weights go: 'auto' (default) writes one <name>.onnx.data file next to the graph only when "
        "the model exceeds protobuf's 2 GB limit (IF-I-XL, IF-II-L in fp32, T5); 'always' / 'never' force it",
    )
    p.add_argument(
        "--prompts",
        type=Path,
        default=DEFAULT_PROMPTS,
        metavar="FILE",
        help=f"prompt list for the embedding store, one per line, '#' comments (default: the course prompts, "
        f'{DEFAULT_PROMPTS.relative_to(REPO_ROOT)}). The null prompt "" is always added.',
    )
    p.add_argument(
        "--embeddings-dtype",
        choices=["float16", "float32"],
        default="float16",
        help="storage precision of the embedding store (default float16, as the course's prompt_embeds_dict; "
        "77x4096 per prompt = 616 KiB)",
    )
    p.add_argument(
        "--skip-embeddings",
        action="store_true",
        help="do not load T5 or write embeddings/ (for re-exporting UNets only)",
    )
    p.add_argument(
        "--text-encoder",
        action="store_true",
        help="also export the T5 encoder to text_encoder/model.onnx (+ tokenizer/tokenizer.json) for live "
        "prompt encoding. T5-XXL is ~4.8B parameters: ~9.5 GB in fp16, needs ~24 GB RAM to export.",
    )
    p.add_argument(
        "--clean-caption",
        action="store_true",
        help="apply diffusers' clean_caption text cleanup before encoding (needs beautifulsoup4 and ftfy; "
        "default off: prompts are only lower-cased and stripped, which the TypeScript side reproduces)",
    )
    p.add_argument(
        "--no-verify",
        dest="verify",
        action="store_false",
        help="skip the onnxruntime-vs-torch comparison after each export (saves RAM and time on big models)",
    )
    p.add_argument(
        "--no-weight-check",
        dest="weight_check",
        action="store_false",
        help="skip comparing the UNet weight names and shapes with unet/config.json (for snapshots whose tensor "
        "names diffusers renames while loading); every other check still runs",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="only validate the snapshots (files present, JSON readable, safetensors not truncated, weights "
        "matching config, channels, sample size, scheduler) and print what would be exported",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="export_if.py", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    export = sub.add_parser(
        "export",
        help="export real IF weights (run with --dry-run first)",
        description=DESCRIPTION,
        epilog=EXPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_export_args(export)

    standins = sub.add_parser(
        "standins",
        help="rebuild the tiny random stand-in models and the diffusers recordings used by the TypeScript tests",
        description="Builds tiny randomly initialised IF look-alikes (same diffusers classes, 16/32 channels, T5 width "
        "32), saves them as diffusers snapshots, exports them through the same code as `export` (fp32), "
        "records diffusers' IFPipeline and IFSuperResolutionPipeline outputs with fixed noise, and checks "
        "that the recordings can be reproduced from the stored inputs with onnxruntime.",
    )
    standins.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_FIXTURES,
        metavar="DIR",
        help=f"fixture directory, replaced entirely (default {DEFAULT_FIXTURES.relative_to(REPO_ROOT)})",
    )
    standins.add_argument(
        "--work",
        type=Path,
        default=None,
        metavar="DIR",
        help="where to keep the stand-in diffusers snapshots (default: a temporary directory, deleted)",
    )

    check = sub.add_parser(
        "check",
        help="re-run the recorded pipelines with onnxruntime + numpy and compare",
        description="Independent check of a stand-in fixture directory: runs the recorded cases "
        "with onnxruntime and a numpy DDPM implementation from the stored inputs "
        "and reports the max absolute difference to diffusers' outputs.",
    )
    check.add_argument("dir", type=Path, nargs="?", default=DEFAULT_FIXTURES, help="fixture directory")
    return parser


def run_export(args: argparse.Namespace) -> int:
    from .embeddings import read_prompt_file
    from .exporter import ExportOptions, log
    from .snapshot import check_stage_pair, describe, human_bytes, load_stage_snapshot, load_text_encoder_snapshot

    if not args.stage1 and not args.stage2:
        print("error: give --stage1 DIR and/or --stage2 DIR", file=sys.stderr)
        return 2
    need_text = not args.skip_embeddings or args.text_encoder
    if need_text and not args.stage1:
        print(
            "error: embeddings and --text-encoder need --stage1 (its text_encoder/ and tokenizer/); "
            "pass --skip-embeddings to export stage II alone",
            file=sys.stderr,
        )
        return 2
    if not 14 <= args.opset <= 20:
        # 14: scaled-dot-product attention exports; 20: the TorchScript exporter's maximum in torch 2.15.
        print(f"error: --opset must be between 14 and 20, got {args.opset}", file=sys.stderr)
        return 2
    if args.device != "cpu":
        import torch

        if not args.device.startswith("cuda") or not torch.cuda.is_available():
            print(
                f"error: --device {args.device!r} is not usable here (allowed: cpu, or cuda / cuda:N with a CUDA "
                f"build of torch; torch.cuda.is_available() is {torch.cuda.is_available()})",
                file=sys.stderr,
            )
            return 2
    try:
        stage1 = load_stage_snapshot(args.stage1, 1, args.weight_check) if args.stage1 else None
        stage2 = load_stage_snapshot(args.stage2, 2, args.weight_check) if args.stage2 else None
        text = load_text_encoder_snapshot(args.stage1) if need_text else None
        check_stage_pair(stage1, stage2, text)
        prompts = read_prompt_file(args.prompts) if not args.skip_embeddings else []
    except SnapshotError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for snap in (stage1, stage2):
        if snap:
            print(describe(snap))
    if text:
        print(f"text encoder: T5 d_model {text.d_model}, {human_bytes(text.weights.total_bytes)}")
    if prompts:
        print(f"embeddings: {len(prompts)} prompt(s) from {args.prompts}")
    if args.dry_run:
        print("dry run: snapshots are valid; nothing written")
        return 0
    opts = ExportOptions(
        out=args.out,
        dtype=args.dtype,
        opset=args.opset,
        external=args.external,
        device=args.device,
        verify=args.verify,
        embeddings_dtype=args.embeddings_dtype,
        clean_caption=args.clean_caption,
    )
    return export_all(opts, stage1, stage2, text, prompts, args.text_encoder, log)


def export_all(opts, stage1, stage2, text, prompts, with_text_encoder, log) -> int:
    from .exporter import export_embeddings, export_stage, export_text_encoder_onnx, write_manifest

    opts.out.mkdir(parents=True, exist_ok=True)
    stages = {}
    for snap in (stage1, stage2):
        if snap:
            stages[snap.stage] = export_stage(snap, opts)
    embeddings = export_embeddings(text, prompts, opts, stage1.model_id) if text and prompts else None
    text_encoder = export_text_encoder_onnx(text, opts) if text and with_text_encoder else None
    path = write_manifest(opts, stages, embeddings, text_encoder)
    log(f"wrote {path}")
    return 0


def run_standins(args: argparse.Namespace) -> int:
    from .embeddings import read_prompt_file
    from .exporter import ExportOptions, log
    from .onnx_export import clear_generated
    from .recordings import record
    from .reference import check_fixtures
    from .snapshot import check_stage_pair, load_stage_snapshot, load_text_encoder_snapshot
    from .standins import build_snapshots

    prompts = read_prompt_file(DEFAULT_PROMPTS)
    out = args.out.resolve()
    if out.exists() and any(p.name != "README.md" for p in out.iterdir()):
        manifest = out / "manifest.json"
        if not manifest.is_file() or not json.loads(manifest.read_text(encoding="utf-8")).get("standIn"):
            print(
                f"error: --out {out} is not empty and holds no stand-in manifest; refusing to overwrite it",
                file=sys.stderr,
            )
            return 2
    with tempfile.TemporaryDirectory(prefix="if-standins-") as tmp:
        work = args.work.resolve() if args.work else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        log(f"building stand-in snapshots in {work}")
        dir1, dir2 = build_snapshots(work, prompts)
        stage1, stage2 = load_stage_snapshot(dir1, 1), load_stage_snapshot(dir2, 2)
        text = load_text_encoder_snapshot(dir1)
        check_stage_pair(stage1, stage2, text)
        clear_generated(out)
        opts = ExportOptions(
            out=out,
            dtype="fp32",
            opset=17,
            external="auto",
            device="cpu",
            verify=True,
            embeddings_dtype="float32",
            clean_caption=False,
            stand_in=True,
        )
        export_all(opts, stage1, stage2, text, prompts, True, log)
        log("recording diffusers pipelines on the stand-ins")
        record(dir1, dir2, out, out / "recordings")
    measured = check_fixtures(out)
    rec_path = out / "recordings" / "recordings.json"
    rec = json.loads(rec_path.read_text(encoding="utf-8"))
    for case in rec["cases"]:
        case["measuredByNumpyReference"] = measured[case["name"]]
    rec_path.write_text(json.dumps(rec, indent=2) + "\n", encoding="utf-8")
    total = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    log(f"fixtures: {total / 2**20:.2f} MiB in {out}")
    if total > 5 * 2**20:
        print("error: fixtures exceed 5 MiB", file=sys.stderr)
        return 1
    return 0


def run_check(args: argparse.Namespace) -> int:
    from .reference import check_fixtures

    check_fixtures(args.dir.resolve())
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"export": run_export, "standins": run_standins, "check": run_check}
    try:
        return handlers[args.command](args)
    except SnapshotError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
