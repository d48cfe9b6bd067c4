#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing; prints nothing and exits at once when
# everything is there, so `pnpm test` runs it first on every machine. Root runs apt-get itself, anyone else through
# sudo. INSTALL_SYSTEM_DEPS_DRY_RUN=1 only prints what it would install.
#   chromium    the browser tests drive Debian's build (CHROMIUM_PATH may name another one)
#   postgresql  the job-system tests start their own PostgreSQL server (15 on Debian 12)
#   nodejs      corepack, when there is no Node at all
set -euo pipefail

need=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || need+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || need+=(postgresql)
command -v corepack >/dev/null 2>&1 || need+=(nodejs)
((${#need[@]})) || exit 0

if [ -n "${INSTALL_SYSTEM_DEPS_DRY_RUN:-}" ]; then
  echo "install-system-deps: would install ${need[*]}"
  exit 0
fi
echo "install-system-deps: installing ${need[*]} (Debian packages the tests need)" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || {
    echo "install-system-deps: ${need[*]} missing; run as root or install sudo (apt-get install ${need[*]})" >&2
    exit 1
  }
  sudo_cmd=(sudo)
fi
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
