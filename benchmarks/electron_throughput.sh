#!/usr/bin/env bash
# End-to-end throughput of coupled electron transport with `gpudose run` (AF, liver source):
# electron sources at 0.05, 0.5, 2 and 10 MeV, and photons at 0.5 MeV with their electrons
# transported and with --electrons local, with range rejection on (the default) and off;
# histories/s with 1 CPU thread (per core), and on CUDA when a device is visible. Prints a
# Markdown table for RESULTS.md.
#
#   benchmarks/electron_throughput.sh [BUILD_DIR] [HISTORIES]
set -euo pipefail
build="${1:-build}"
n="${2:-200000}"
gpudose="$build/bin/gpudose"
# Debian's python3 here; any python3 (only json is used) elsewhere, e.g. on a lent GPU machine.
py="$(command -v /usr/bin/python3 || command -v python3)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# Warm the caches (phantom import, photon and electron libraries) so they are not timed.
"$gpudose" run --model female --source liver --particle electron --energy 0.5 --histories 1000 \
  --quiet >/dev/null

modes=("cpu")
if "$gpudose" devices | grep -q '^cuda [0-9]'; then modes+=("cuda"); fi
echo "| source | energy MeV | electrons | range rejection | back end | histories | wall s | histories/s |"
echo "|---|---|---|---|---|---|---|---|"
cases=("electron 0.05 transport on" "electron 0.5 transport on" "electron 2 transport on"
       "electron 10 transport on" "electron 0.05 transport off" "electron 0.5 transport off"
       "photon 0.5 transport on" "photon 0.5 transport off" "photon 0.5 local on")
for c in "${cases[@]}"; do
  read -r particle e electrons rr <<<"$c"
  for backend in "${modes[@]}"; do
    args=(run --model female --source liver --particle "$particle" --energy "$e"
          --histories "$n" --quiet --backend "$backend" --range-rejection "$rr" -o "$out/r.json")
    [ "$particle" = photon ] && args+=(--electrons "$electrons")
    [ "$backend" = cpu ] && args+=(--threads 1)
    "$gpudose" "${args[@]}" >/dev/null
    "$py" - "$out/r.json" "$particle" "$e" "$electrons" "$backend" "$rr" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
b = "cpu, 1 thread" if sys.argv[5] == "cpu" else sys.argv[5]
print(f"| {sys.argv[2]} | {sys.argv[3]} | {sys.argv[4]} | {sys.argv[6]} | {b} | {r['histories']} | "
      f"{r['wall_s']:.2f} | {r['histories_per_s']:.3g} |")
PY
  done
done
