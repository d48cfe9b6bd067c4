"""Compare a regenerated stand-in fixture directory with the committed one.

Byte-identical is expected on the machine that generated them. Elsewhere, onnxruntime's CPU kernels (AVX2 vs
AVX-512, thread count) may round the last bits differently, so tensors and JSON numbers are compared to 1e-5
(relative to max(1, |value|)) and everything else byte for byte.
Usage: python compare_fixtures.py NEW_DIR COMMITTED_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

TOLERANCE = 1e-5


def close_json(a, b, path: str, problems: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            problems.append(f"{path}: keys differ ({sorted(set(a) ^ set(b))})")
            return
        for key in a:
            close_json(a[key], b[key], f"{path}.{key}", problems)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            problems.append(f"{path}: lengths {len(a)} vs {len(b)}")
            return
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            close_json(x, y, f"{path}[{i}]", problems)
    elif isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
            problems.append(f"{path}: {a!r} vs {b!r}")
        # Measured error figures (verification, measuredByNumpyReference) legitimately vary between CPUs.
        elif "verification" in path or "measured" in path:
            return
        elif abs(a - b) > TOLERANCE * max(1.0, abs(b)):
            problems.append(f"{path}: {a} vs {b}")
    elif a != b:
        problems.append(f"{path}: {a!r} vs {b!r}")


def main(new: Path, old: Path) -> int:
    problems: list[str] = []
    identical = True
    new_files = {p.relative_to(new) for p in new.rglob("*") if p.is_file() and p.name != "README.md"}
    old_files = {p.relative_to(old) for p in old.rglob("*") if p.is_file() and p.name != "README.md"}
    for missing in sorted(old_files ^ new_files):
        problems.append(f"{missing}: present in only one directory")
    for rel in sorted(old_files & new_files):
        a, b = (new / rel).read_bytes(), (old / rel).read_bytes()
        if a == b:
            continue
        identical = False
        if rel.suffix == ".json":
            close_json(json.loads(a), json.loads(b), str(rel), problems)
        elif rel.suffix == ".safetensors":
            ta, tb = load_file(str(new / rel)), load_file(str(old / rel))
            if ta.keys() != tb.keys():
                problems.append(f"{rel}: tensor names differ")
                continue
            for key in ta:
                x, y = ta[key].astype(np.float64), tb[key].astype(np.float64)
                if x.shape != y.shape:
                    problems.append(f"{rel}:{key}: shape {x.shape} vs {y.shape}")
                elif np.abs(x - y).max(initial=0) > TOLERANCE * max(1.0, np.abs(y).max(initial=0)):
                    problems.append(f"{rel}:{key}: max |diff| {np.abs(x - y).max():.3g}")
        else:
            problems.append(f"{rel}: bytes differ")
    for p in problems:
        print(f"   DIFF {p}")
    if problems:
        print(f"   {len(problems)} difference(s) from the committed fixtures")
        return 1
    print("   byte-identical" if identical else f"   equal within {TOLERANCE} (not byte-identical)")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
