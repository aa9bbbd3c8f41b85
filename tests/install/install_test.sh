#!/usr/bin/env bash
# Installs the build into a temporary prefix and builds/runs a separate project against it with
# find_package(segkit). Usage: install_test.sh BUILD_DIR
set -euo pipefail
build_dir=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$here/consumer" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
printf 'threads: 1\n' > "$work/run.yaml"
output=$("$work/build/consumer" "$work/run.yaml")
[ "$output" = "seed 5" ] || { echo "unexpected output: $output"; exit 1; }
"$work/prefix/bin/segkit" --version | grep -q '^segkit ' || { echo "installed CLI does not run"; exit 1; }
echo "find_package(segkit) consumer built and ran"
