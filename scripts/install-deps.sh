#!/usr/bin/env bash
# Installs the Debian packages Chancery needs, and only those missing.
# usage: scripts/install-deps.sh build|test
# Runs apt-get as root, or through sudo when not root. Nothing else is
# downloaded: every library comes from Debian, playwright-core from npm.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config ccache
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libgumbo-dev
  libsodium-dev libpugixml-dev tzdata libcli11-dev libtoml11-dev libspdlog-dev libfmt-dev
  libvips-dev libicu-dev zlib1g-dev
)
test_packages=(
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  chromium nodejs npm curl python3
)

want=("${build_packages[@]}")
if [[ "${1:-build}" == "test" ]]; then
  want+=("${test_packages[@]}")
fi

missing=()
for pkg in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    # node and npm may come from elsewhere on a developer machine; accept them.
    if [[ "$pkg" == nodejs && -x "$(command -v node)" ]]; then continue; fi
    if [[ "$pkg" == npm && -x "$(command -v npm)" ]]; then continue; fi
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "Installing Debian packages: ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
