#!/usr/bin/env bash
# The device kit rehearsed without a GPU: tools/device-bundle packs this build, and the bundle's
# run.sh runs every step with DRY_RUN=1 (CPU back end, GPU-only steps named and skipped), so that
# on the day only the GPU itself can fail. Needs a CUDA-enabled build (the bundle carries the
# CUDA binaries); skips (77) otherwise.
#
#   device_kit_dry_run.sh BUILD_DIR
set -euo pipefail
build="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
"$build/bin/gpudose" --version | grep -qi 'cuda (sm' || {
  echo "SKIPPED: this build has no CUDA back end (the device kit carries CUDA binaries)"
  exit 77
}
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && XZ_LEVEL=1 tools/device-bundle "$build" "$tmp/device")
rc=0
# FORCE_REBUILD: also the fallback of step 7, rebuilding the standalone benchmark from the
# carried sources with nvcc (for sm_90: no GPU here for -arch=native).
OUT="$tmp/out" DRY_RUN=1 FORCE_REBUILD=1 CUDA_ARCH=sm_90 bash "$tmp/device/run.sh" || rc=$?
summary="$tmp/out/summary.txt"
problems=()
[ "$rc" -eq 0 ] || problems+=("run.sh exited $rc")
for f in summary.txt benchmark.json logs.tar.gz; do
  [ -s "$tmp/out/$f" ] || problems+=("no $f in the output folder")
done
# Every step must have reported, and none failed; only the GPU-only steps may skip.
for step in 'PASS  caches' 'PASS  gpu_photon_test' 'PASS  benchmark' 'PASS  throughput photon' \
  'PASS  throughput electron' 'PASS  determinism' 'PASS  dose image' 'SKIP  nvidia-smi' \
  'SKIP  ncu photon' 'SKIP  ncu electron' 'PASS  job bench rebuilt here with nvcc' \
  'SKIP  job bench af-liver-photon-0.5-transport (dry run)' 'every step passed'; do
  grep -q "^$step\|$step" "$summary" || problems+=("summary lacks '$step'")
done
if grep '^FAIL' "$summary"; then problems+=("a step failed"); fi
if grep '^SKIP' "$summary" | grep -v 'nvidia-smi\|ncu\|job bench'; then problems+=("an unexpected skip"); fi
files=$(find "$tmp/out" -type f | wc -l)
[ "$files" -le 8 ] || problems+=("$files files in the output folder (the device tool returns 8)")
if [ ${#problems[@]} -gt 0 ]; then
  cat "$summary" >&2 || true
  printf 'device kit dry run: %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "device kit dry run: every step passed or skipped as a dry run must ($files files)"
