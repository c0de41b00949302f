#!/usr/bin/env bash
# Runs on a lent GPU machine from a bundle made by tools/device-bundle (copied there as
# .device/run.sh): unpacks the payload, recreates the absolute paths the test binaries were
# built with, runs every `gpu` test and the throughput benchmarks, and leaves logs in $OUT.
#
#   bash .device/run.sh [HISTORIES_PER_BENCHMARK_RUN]      (default 2000000)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
n="${1:-2000000}"
out="${OUT:-$PWD/device-out}"
mkdir -p "$out"
work="$(mktemp -d)"
xz -dc "$here/payload.tar.xz" | tar -C "$work" -xf - || { echo "run.sh: cannot unpack" >&2; exit 2; }
{ read -r root; read -r build; } <"$work/paths"

# The test binaries hold <checkout>/../shared and <build>/data as absolute paths: make them
# exist here (the data as carried, the caches empty: they are rebuilt on first use).
data_dir="$(dirname "$root")/shared"
if [ ! -e "$data_dir" ]; then
  mkdir -p "$(dirname "$data_dir")"
  ln -s "$work/shared" "$data_dir"
fi
mkdir -p "$build/data"
export LD_LIBRARY_PATH="$work/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
gpudose="$work/bin/gpudose"
py="$(command -v /usr/bin/python3 || command -v python3)"
mkdir -p "$work/build/bin" && ln -sf "$gpudose" "$work/build/bin/gpudose"

{
  echo "date: $(date -u +%FT%TZ)"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1
  "$gpudose" --version
  "$gpudose" devices
} | tee "$out/device.txt"

# Caches (phantom import and both physics libraries), timed once.
start=$(date +%s)
"$gpudose" --data-dir "$data_dir" --cache-dir "$build/data" physics build >"$out/setup.log" 2>&1
"$gpudose" --data-dir "$data_dir" --cache-dir "$build/data" phantom import --model all \
  >>"$out/setup.log" 2>&1
echo "caches built in $(($(date +%s) - start)) s" | tee -a "$out/setup.log"

# Every gpu test (binaries hold gtest cases; the gpu ones are named Gpu*/…Gpu*).
status=0
: >"$out/gpu-tests.txt"
for exe in "$work"/bin/*; do
  name="$(basename "$exe")"
  [ "$name" = gpudose ] && continue
  "$exe" --gtest_filter='*Gpu*' >"$out/$name.log" 2>&1 || status=1
  echo "$name: $(grep -E '^\[  (PASSED|FAILED|SKIPPED) ' "$out/$name.log" | tr '\n' ' ')" \
    >>"$out/gpu-tests.txt"
done

# Throughput: the repository's benchmark scripts, against this build (CPU rows included).
export PATH="$(dirname "$py"):$PATH"
(cd "$work" && bash "$here/photon_throughput.sh" build "$n") >"$out/photon_throughput.md" 2>&1
(cd "$work" && bash "$here/electron_throughput.sh" build "$n") >"$out/electron_throughput.md" 2>&1
cat "$out/gpu-tests.txt" "$out/photon_throughput.md" "$out/electron_throughput.md"
exit $status
