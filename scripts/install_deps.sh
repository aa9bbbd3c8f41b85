#!/usr/bin/env bash
# Installs every Debian package segkit needs to build, test and run. Idempotent: when all packages are
# present it checks the BLAS pin and returns in well under a second without touching apt.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config
  # LibTorch (CPU) and what makes it fast here (docs/design.md, "Runtime performance")
  libtorch-dev libopenblas0-openmp libtcmalloc-minimal4 libgloo-dev
  # images, config, CLI, logging
  libopencv-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev libgdal-dev libgdcm-dev libgif-dev
  # tests and benchmarks (python3-onnx: onnx.checker on exported models)
  libgtest-dev libgmock-dev libbenchmark-dev python3-onnx
  # fuzzing (make fuzz): clang and its libFuzzer runtime
  clang libclang-rt-14-dev
)

# `--bench`: the Python references of `make bench` (docs/benchmarks.md) in Debian's python3.
if [ "${1:-}" = "--bench" ]; then
  PACKAGES+=(python3-torch python3-torchvision python3-opencv python3-numpy python3-matplotlib)
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install_deps: installing ${#missing[@]} package(s): ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# LibTorch only recommends a fast BLAS; without this pin the reference BLAS (or the pthread OpenBLAS,
# which oversubscribes the cores next to OpenMP) serves matmul and ConvTranspose2d 14-60x slower.
pin_alternative() {
  local name=$1 target=$2
  if [ -e "$target" ] && [ "$(readlink -f "/etc/alternatives/$name" 2>/dev/null)" != "$target" ]; then
    $SUDO update-alternatives --set "$name" "$target" >/dev/null
  fi
}
pin_alternative libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3
pin_alternative liblapack.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-openmp/liblapack.so.3
