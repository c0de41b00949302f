#!/usr/bin/env bash
# The device kit's one command: runs on a lent GPU machine from a bundle made by
# tools/device-bundle (copied there as .device/run.sh) and turns one short lease into every
# figure the CUDA back end needs, written to $OUT:
#   1. the device (nvidia-smi, gpudose devices) and the caches, rebuilt from the carried data;
#   2. every `gpu`-labelled test (each test binary that holds them, run whole);
#   3. `gpudose benchmark` (the whole matrix) on the GPU at several launch configurations: its
#      determinism check requires the same tallies at each;
#   4. throughput at a size that fills the GPU (photon and electron, AF liver, 0.5 MeV) per
#      launch configuration;
#   5. determinism: the same job with other batch sizes and histories per launch, tally sums
#      compared bit for bit;
#   5b. a dose image (AF liver photons, --dose-image): the device bytes the run computed and
#      checked, the rate, and the same image bit for bit with one batch per launch;
#   6. one short ncu profile (--clock-control none: the card's clocks are left alone) of a photon
#      and an electron launch: occupancy, achieved warps, SIMT efficiency, instructions, local
#      memory traffic;
#   7. the standalone benchmark (gpudose-job-bench; rebuilt there with nvcc from the carried
#      sources if it cannot start, or with FORCE_REBUILD=1) on the carried job dumps: kernel
#      resources, rates per launch configuration, chi-square against the dumps' CPU reference.
# Designed for well under 8 minutes of GPU time. Each step logs to its own file; what comes back
# is summary.txt, benchmark.json, ncu-*.csv, jobbench-*.txt and logs.tar.gz (at most 8 files).
#
#   bash .device/run.sh                  on the GPU machine
#   DRY_RUN=1 bash .device/run.sh        here, without a GPU: every step on the CPU back end at
#                                        small sizes, the GPU-only ones (nvidia-smi, ncu) named
#                                        and skipped; the CTest test device_kit.dry_run
# Environment: OUT (default ./device-out), LAUNCHES (default 256x32,128x32,512x16,256x32:staged:
# the last is staged transport, whose tallies step 3 requires equal to the others'), FORCE_REBUILD,
# CUDA_ARCH (of a rebuild; default native),
# HISTORIES (throughput runs; default 20000000, dry run 20000).
# Exit status: 0 when every step passed, 1 otherwise (the summary says which).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dry="${DRY_RUN:-0}"
out="${OUT:-$PWD/device-out}"
launches="${LAUNCHES:-256x32,128x32,512x16,256x32:staged}"
if [ "$dry" = 1 ]; then n="${HISTORIES:-20000}"; else n="${HISTORIES:-20000000}"; fi
mkdir -p "$out"
logs="$(mktemp -d)"
work="$(mktemp -d)"
summary="$out/summary.txt"
: >"$summary"
status=0
say() { echo "$*" | tee -a "$summary"; }
pass() { say "PASS  $*"; }
fail() { say "FAIL  $*"; status=1; }
skip() { say "SKIP  $*"; }
finish() {
  tar -C "$logs" -czf "$out/logs.tar.gz" . 2>/dev/null || true
  say "device kit: $([ $status = 0 ] && echo 'every step passed' || echo 'FAILED (see above)')" \
    "$([ "$dry" = 1 ] && echo '(dry run on the CPU)'), $(($(date +%s) - t_start)) s"
  rm -rf "$work" "$logs"
}
t_start=$(date +%s)
trap finish EXIT

xz -dc "$here/payload.tar.xz" | tar -C "$work" -xf - || { fail "unpack the bundle"; exit 1; }
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
gd=("$work/bin/gpudose" --data-dir "$data_dir" --cache-dir "$build/data")
py="$(command -v /usr/bin/python3 || command -v python3)"
if [ "$dry" = 1 ]; then backend=cpu; else backend=cuda; fi

# 7. The standalone benchmark on the carried job dumps (benchmarks/job_bench.cu: the CUDA runtime
#    and kernels/ only): registers and local memory from cudaFuncGetAttributes, histories/s at
#    each launch configuration, identical tallies across them, chi-square against the dump's CPU
#    reference. It needs nothing the carried gpudose needs, so it runs even if that cannot.
job_bench_step() {
  local dump name rc=0 bench="$work/bin/gpudose-job-bench"
  # Without arguments it prints its usage and exits 2. Anything else (a missing library, another
  # C library, a binary for another CPU, or FORCE_REBUILD=1) means: rebuild it here from the
  # carried sources with nvcc, which needs nothing but the CUDA toolkit.
  [ -x "$bench" ] && { "$bench" >/dev/null 2>&1 || rc=$?; } || rc=127
  if [ "$rc" != 2 ] || [ "${FORCE_REBUILD:-0}" = 1 ]; then
    local arch="${CUDA_ARCH:-native}"
    if command -v nvcc >/dev/null && nvcc -std=c++17 -O3 --expt-relaxed-constexpr -arch="$arch" \
      -I "$work/src" "$work/src/benchmarks/job_bench.cu" -o "$work/bin/gpudose-job-bench.rebuilt" \
      >"$logs/jobbench-rebuild.log" 2>&1; then
      bench="$work/bin/gpudose-job-bench.rebuilt"
      pass "job bench rebuilt here with nvcc (-arch=$arch): the carried binary $([ "$rc" = 2 ] && echo 'was replaced as asked' || echo "did not start (exit $rc)")"
    else
      fail "job bench: the carried binary did not start (exit $rc) and nvcc could not rebuild it: $(tail -1 "$logs/jobbench-rebuild.log" 2>/dev/null)"
      return
    fi
  fi
  for dump in "$work"/dumps/*.gdd; do
    if [ ! -e "$dump" ]; then
      skip "job bench: no job dumps in the bundle"
      break
    fi
    name="$(basename "$dump" .gdd)"
    # The standalone benchmark runs by history: launches with a suffix (:staged, :atomics) are
    # the runner's, not its.
    if "$bench" "$dump" $(tr , '\n' <<<"$launches" | grep -v :) --repeat 2 \
      >"$out/jobbench-$name.txt" 2>&1; then
      pass "job bench $name: $(grep -E '^kernel:' "$out/jobbench-$name.txt"); $(grep -E '^device vs CPU' "$out/jobbench-$name.txt")"
    elif [ "$dry" = 1 ] && grep -q 'no CUDA device visible' "$out/jobbench-$name.txt"; then
      skip "job bench $name (dry run): the dump was read and checked; no device to run it"
      rm -f "$out/jobbench-$name.txt"
    else
      fail "job bench $name: $(tail -2 "$out/jobbench-$name.txt" | tr '\n' ' ')"
    fi
  done
}

# 1. Device and caches. A carried gpudose that cannot start here (other system libraries) ends the
# kit after the standalone benchmark (step 7), which needs only the CUDA runtime.
say "date $(date -u +%FT%TZ), $(uname -n), dry run: $dry, launches: $launches"
if [ "$dry" = 1 ]; then
  skip "nvidia-smi (dry run: no GPU here)"
elif nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm \
  --format=csv >"$logs/nvidia-smi.txt" 2>&1; then
  pass "nvidia-smi: $(tail -n +2 "$logs/nvidia-smi.txt" | head -1)"
else
  fail "nvidia-smi (no driver or no GPU: $(head -1 "$logs/nvidia-smi.txt"))"
fi
if ! "${gd[@]}" --version >"$logs/version.txt" 2>&1; then
  fail "the carried gpudose does not start here: $(head -1 "$logs/version.txt")"
  job_bench_step
  exit 1
fi
"${gd[@]}" devices >"$logs/devices.txt" 2>&1 || true
if [ "$dry" = 1 ] || grep -q '^cuda 0: ' "$logs/devices.txt"; then
  pass "gpudose $(head -1 "$logs/version.txt"), devices: $(tr '\n' ' ' <"$logs/devices.txt" | cut -c1-150)"
else
  fail "gpudose sees no CUDA device: $(tr '\n' ' ' <"$logs/devices.txt")"
fi
t=$(date +%s)
if "${gd[@]}" physics build >"$logs/setup.log" 2>&1 &&
  "${gd[@]}" phantom import --model all >>"$logs/setup.log" 2>&1; then
  pass "caches (phantoms, photon and electron libraries) in $(($(date +%s) - t)) s"
else
  fail "caches: $(tail -1 "$logs/setup.log")"
  exit 1
fi

# 2. Every gpu-labelled test: every test of the binaries that hold them carries the label. In a
# dry run they skip (no device), which still proves the binaries start from the bundle.
for exe in "$work"/bin/*; do
  name="$(basename "$exe")"
  [ "$name" = gpudose ] || [ "$name" = gpudose-job-bench ] && continue
  if "$exe" >"$logs/$name.log" 2>&1; then
    pass "$name: $(grep -E '^\[  (PASSED|SKIPPED|FAILED) ' "$logs/$name.log" | tr '\n' ' ')"
  else
    fail "$name: $(grep -E '^\[  (PASSED|SKIPPED|FAILED) ' "$logs/$name.log" | tr '\n' ' ')"
  fi
done

# 3. The benchmark matrix at each launch configuration (one repeat: the lease is short; the
# command exits 1 when the tallies of two configurations differ).
if [ "$dry" = 1 ]; then
  bench=(benchmark --quick --backends cpu --threads "$(nproc)" --repeat 1 --launch "$launches")
else
  bench=(benchmark --backends cuda --repeat 1 --launch "$launches")
fi
t=$(date +%s)
if "${gd[@]}" "${bench[@]}" --json "$out/benchmark.json" >"$logs/benchmark.txt" \
  2>"$logs/benchmark.err"; then
  pass "benchmark (${bench[*]}) in $(($(date +%s) - t)) s; $(grep -m1 '^determinism' "$logs/benchmark.txt")"
else
  fail "benchmark (${bench[*]}): $(grep -m1 -E 'NOT DETERMINISTIC|error' "$logs/benchmark.txt" \
    "$logs/benchmark.err" || tail -1 "$logs/benchmark.err")"
fi
cat "$logs/benchmark.txt" >>"$summary"

# 4. Throughput at a size that fills the GPU, per launch configuration.
job_liver=(run --model female --source liver --energy 0.5 --quiet --backend "$backend")
IFS=, read -r -a launch_list <<<"$launches"
for particle in photon electron; do
  for l in "${launch_list[@]}"; do
    log="$logs/throughput-$particle-$l.txt"
    if "${gd[@]}" "${job_liver[@]}" --particle "$particle" --histories "$n" --launch "$l" \
      >"$log" 2>&1; then
      pass "throughput $particle 0.5 MeV, $n histories, --launch $l: $(grep -m1 -o '[0-9.e+]* histories/s' "$log")"
    else
      fail "throughput $particle --launch $l: $(tail -1 "$log")"
    fi
  done
done

# 5. Determinism: the same job cut into other batches and launches must give the same tally
# sums (energy per target) bit for bit; the uncertainties differ with the batch size, by design.
dn=$((n < 1000000 ? n : 1000000))
det=("${gd[@]}" "${job_liver[@]}" --particle photon --histories "$dn")
if "${det[@]}" --batch-size $((dn / 100)) --launch 256x32 -o "$work/det-a.json" \
  >"$logs/determinism.txt" 2>&1 &&
  "${det[@]}" --batch-size $((dn / 40)) --launch "128x8x$((dn / 8))" -o "$work/det-b.json" \
    >>"$logs/determinism.txt" 2>&1 &&
  "$py" - "$work/det-a.json" "$work/det-b.json" >>"$logs/determinism.txt" 2>&1 <<'PY'; then
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
ta = {t["name"]: t["energy_mev"] for t in a["targets"]}
tb = {t["name"]: t["energy_mev"] for t in b["targets"]}
differ = [k for k in ta if ta[k] != tb.get(k)]
print(f"{len(ta)} targets, {len(differ)} differ: {differ[:5]}")
sys.exit(1 if differ or len(ta) != len(tb) or not ta else 0)
PY
  pass "determinism: $dn photon histories in batches of $((dn / 100)) and $((dn / 40)), launches of 2^24 and $((dn / 8)): $(tail -1 "$logs/determinism.txt")"
else
  fail "determinism: $(tail -1 "$logs/determinism.txt")"
fi

# 5b. Dose images on the device: the run's log line gives the device bytes it checked against
# the free memory (N voxels x 8 bytes x batches per launch + job data) and the output the rate;
# the same job with one batch per launch must write the same image bit for bit (the device's
# per-batch zeroing and batch indexing). CPU against GPU: GpuDoseImage in gpu_photon_test (step 2).
dose=("${gd[@]}" run --model female --source liver --energy 0.5 --backend "$backend"
  --particle photon --histories "$dn" --batch-size $((dn / 100)))
if "${dose[@]}" --dose-image "$work/dose-a.nii" >"$logs/dose-image.txt" 2>&1 &&
  "${dose[@]}" --launch "256x32x$((dn / 100))" --dose-image "$work/dose-b.nii" \
    >>"$logs/dose-image.txt" 2>&1 &&
  cmp "$work/dose-a.nii" "$work/dose-b.nii" >>"$logs/dose-image.txt" 2>&1 &&
  cmp "$work/dose-a_uncertainty.nii" "$work/dose-b_uncertainty.nii" >>"$logs/dose-image.txt" 2>&1; then
  pass "dose image: $dn photon histories (AF liver 0.5 MeV), $(grep -m1 -o '[0-9.e+]* histories/s' "$logs/dose-image.txt"); $(grep -m1 -o 'dose image: [^;]*' "$logs/dose-image.txt"); the same image with one batch per launch"
else
  fail "dose image: $(tail -1 "$logs/dose-image.txt")"
fi

# 6. ncu: one launch of the photon and of the electron case (640000 histories: 64 batches of
# 10000, the runner's first launch), metrics first, the standard sections if a name is refused.
metrics=sm__maximum_warps_per_active_cycle_pct,sm__warps_active.avg.pct_of_peak_sustained_active
metrics+=,sm__warps_active.avg.per_cycle_active,smsp__thread_inst_executed_per_inst_executed.ratio
metrics+=,smsp__inst_executed.sum,l1tex__t_bytes_pipe_lsu_mem_local_op_ld.sum
metrics+=,l1tex__t_bytes_pipe_lsu_mem_local_op_st.sum,gpu__time_duration.sum
metrics+=,launch__registers_per_thread,launch__occupancy_limit_registers
ncu_base=(ncu --clock-control none -k regex:for_each_item_kernel -c 1 --csv)
for particle in photon electron; do
  job=("${gd[@]}" "${job_liver[@]}" --particle "$particle" --histories 640000 --batch-size 10000)
  if [ "$dry" = 1 ]; then
    skip "ncu $particle (dry run): ${ncu_base[*]} --metrics ... ${job[*]}"
    "${job[@]}" >"$logs/ncu-$particle-job.txt" 2>&1 || fail "the profiled $particle job itself"
  elif ! command -v ncu >/dev/null; then
    skip "ncu $particle: no ncu on this machine"
  elif "${ncu_base[@]}" --metrics "$metrics" "${job[@]}" >"$out/ncu-$particle.csv" \
    2>"$logs/ncu-$particle.err"; then
    pass "ncu $particle: $out/ncu-$particle.csv (instructions per history: divide by 640000)"
  elif "${ncu_base[@]}" --section LaunchStats --section Occupancy --section InstructionStats \
    --section WarpStateStats --section MemoryWorkloadAnalysis "${job[@]}" \
    >"$out/ncu-$particle.csv" 2>>"$logs/ncu-$particle.err"; then
    pass "ncu $particle (sections; the metric list was refused: see logs)"
  else
    fail "ncu $particle: $(tail -1 "$logs/ncu-$particle.err")"
  fi
done

job_bench_step
exit $status
