#!/usr/bin/env bash
# End-to-end test of the DeepFloyd IF export tool from a fresh virtual environment built from requirements.txt:
# --help of every command, the dry-run validation cases, then `standins` into a temporary directory, which must match
# the committed fixtures (packages/models/test/fixtures/deepfloyd): byte-identical on the machine that made them,
# within 1e-5 elsewhere (onnxruntime's CPU kernels differ in the last bits between CPUs).
#
#   tooling/deepfloyd/scripts/test-clean-venv.sh                      # downloads every pinned wheel (torch: large)
#   tooling/deepfloyd/scripts/test-clean-venv.sh --reuse-site-packages path/to/venv-with-torch
#
# --reuse-site-packages ENV links ENV's site-packages into the new venv (a .pth file; `--system-site-packages` would
# only expose the base interpreter's packages when ENV is itself a venv). pip then checks every pin against them and
# installs only what is missing or at another version, into the new venv.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"
reuse=""
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --reuse-site-packages) reuse="${2:?--reuse-site-packages needs a directory}"; shift 2 ;;
    --python) python="${2:?--python needs an interpreter}"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

work="$(mktemp -d /tmp/if-clean-venv.XXXXXX)"
if [[ $keep -eq 0 ]]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work"; fi

if [[ -n "$reuse" ]]; then
  python="$reuse/bin/python"
  # Use the reused environment's interpreter so its compiled wheels match; still a brand-new venv.
  python="$("$python" -c 'import sys; print(sys._base_executable)')"
fi
echo "== creating venv with $python"
"$python" -m venv "$work/venv"
py="$work/venv/bin/python"
if [[ -n "$reuse" ]]; then
  site="$("$reuse/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  own="$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  echo "$site" >"$own/zz_reuse_site_packages.pth"
  echo "   reusing packages from $site"
fi

echo "== pip install -r requirements.txt"
"$py" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
"$py" - "$here/requirements.txt" <<'PY'
import sys
from importlib.metadata import version

for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if not line:
        continue
    name, pinned = line.split("==")
    got = version(name)
    if got.split("+")[0] != pinned:
        sys.exit(f"{name}: pinned {pinned}, installed {got}")
print("   every pin satisfied exactly")
PY

echo "== --help"
for cmd in "" export standins check; do
  "$py" "$here/export_if.py" $cmd --help >/dev/null
done
echo "   ok"

echo "== dry-run validation cases"
nice -n 10 "$py" "$here/tests/test_validation.py" 2>&1 | grep -E '^(ok|FAIL|all|[0-9]+ validation)'
test "${PIPESTATUS[0]}" -eq 0

echo "== stand-ins end to end (export, recordings, numpy/onnxruntime check)"
nice -n 10 "$py" "$here/export_if.py" standins --out "$work/fixtures" 2>&1 | grep -E '^(\[|stage|OK|FAIL|text encoder|alphas)'
test "${PIPESTATUS[0]}" -eq 0

echo "== compare with the committed fixtures"
"$py" "$here/tests/compare_fixtures.py" "$work/fixtures" "$repo/packages/models/test/fixtures/deepfloyd"
echo "clean-venv test passed"
