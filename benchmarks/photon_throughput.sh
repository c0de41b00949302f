#!/usr/bin/env bash
# End-to-end photon throughput of `gpudose run` (AF, liver source) at 0.05, 0.5 and 2 MeV:
# histories/s with 1 CPU thread (per core), with all cores, and on CUDA when a device is
# visible; host peak memory (max RSS) of each run. Prints a Markdown table for RESULTS.md.
#
#   benchmarks/photon_throughput.sh [BUILD_DIR] [HISTORIES]
set -euo pipefail
build="${1:-build}"
n="${2:-2000000}"
gpudose="$build/bin/gpudose"
# Debian's python3 here; any python3 (only json is used) elsewhere, e.g. on a lent GPU machine.
py="$(command -v /usr/bin/python3 || command -v python3)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# Warm the caches (phantom import, photon library) so they are not timed.
"$gpudose" run --model female --source liver --energy 0.5 --histories 1000 --quiet >/dev/null

modes=("cpu:1" "cpu:$(nproc)")
if "$gpudose" devices | grep -q '^cuda [0-9]'; then modes+=("cuda:0"); fi
echo "| energy MeV | back end | threads | histories | wall s | histories/s | max RSS MiB |"
echo "|---|---|---|---|---|---|---|"
for e in 0.05 0.5 2; do
  for mode in "${modes[@]}"; do
    backend="${mode%%:*}"
    threads="${mode##*:}"
    args=(run --model female --source liver --energy "$e" --histories "$n" --quiet
          --backend "$backend" -o "$out/r.json")
    [ "$backend" = cpu ] && args+=(--threads "$threads")
    if [ -x /usr/bin/time ]; then
      /usr/bin/time -f "%M" -o "$out/rss" "$gpudose" "${args[@]}" >/dev/null
    else  # no GNU time (e.g. a lent GPU machine): no RSS column
      "$gpudose" "${args[@]}" >/dev/null
      echo "-1" >"$out/rss"
    fi
    "$py" - "$out/r.json" "$out/rss" "$e" "$backend" "$threads" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
kib = int(open(sys.argv[2]).read().split()[-1])
rss_mib = f"{kib / 1024:.0f}" if kib >= 0 else "n/a"
print(f"| {sys.argv[3]} | {sys.argv[4]} | {sys.argv[5] if sys.argv[4] == 'cpu' else '-'} | "
      f"{r['histories']} | {r['wall_s']:.2f} | {r['histories_per_s']:.3g} | {rss_mib} |")
PY
  done
done
