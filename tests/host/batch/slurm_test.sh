#!/usr/bin/env bash
# A real single-node SLURM cluster on loopback: munged, slurmctld and slurmd from Debian's
# munge and slurm-wlm packages, started in a private temporary folder (own munge key, own
# slurm.conf, state and spool dirs, random ports) and stopped in every exit path. The
# reference plan (see batch_cli_test.sh) goes through `gpudose batch slurm --submit`: a
# 3-task job array plus a merge job with --dependency=afterok. The merged table must equal the
# local reference table byte for byte.
#   slurm_test.sh GPUDOSE WORK
# Exit 77 (CTest: skipped) only when the daemons cannot be started here; a failure after they
# started is a failure.
set -uo pipefail
gpudose="$1"
work="$2"
plan="$work/ref/plan.json"
ref="$work/ref/ref.h5"

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

for tool in munged slurmctld slurmd sbatch squeue sinfo scontrol; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
    skip "$tool is not installed (Debian packages munge and slurm-wlm; tools/setup installs them)"
done
export PATH="$PATH:/usr/sbin"
# slurmd starts job steps through setuid/initgroups: a single-node cluster needs root.
[ "$(id -u)" -eq 0 ] || skip "not root: slurmd cannot launch jobs without root (CI runs as root)"
[ -f "$plan" ] && [ -f "$ref" ] || fail "the reference plan/table is missing (fixture batch.cli.reference)"

tmp="$(mktemp -d /tmp/gpudose-slurm.XXXXXX)"
chmod 700 "$tmp"
pids=()
cleanup() {
  if [ -n "${SLURM_CONF:-}" ] && [ -n "${ctld_up:-}" ]; then
    timeout 10 scancel --quiet --user="$(id -un)" >/dev/null 2>&1 || true
  fi
  # Stop exactly the daemons this test started (their PIDs), newest first.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

show_logs() {
  for f in "$tmp"/*.log "$tmp"/out/*.slurm/*.log; do
    [ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }
  done
}

# --- munge: private key and socket -----------------------------------------------------------
dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge.key"
munged --foreground --force --key-file="$tmp/munge.key" --socket="$tmp/munge.socket" \
  --pid-file="$tmp/munged.pid" --log-file="$tmp/munged.log" --seed-file="$tmp/munged.seed" \
  >"$tmp/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do [ -S "$tmp/munge.socket" ] && break; sleep 0.1; done
[ -S "$tmp/munge.socket" ] || { cat "$tmp/munged.out"; skip "munged did not start"; }

# --- slurm.conf --------------------------------------------------------------------------------
user="$(id -un)"
port=$((20000 + RANDOM % 20000))
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/out"
cat > "$tmp/slurm.conf" <<CONF
ClusterName=gpudosetest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge.socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MinJobAge=600
KillWait=5
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=gpudose Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$tmp/slurm.conf"

slurmctld -D -i -f "$SLURM_CONF" >"$tmp/slurmctld.out" 2>&1 &
pids+=($!)
ctld_up=1
slurmd -D -N localhost -f "$SLURM_CONF" >"$tmp/slurmd.out" 2>&1 &
pids+=($!)
state=""
for _ in $(seq 1 120); do
  state="$(timeout 5 sinfo -h -n localhost -o %T 2>/dev/null | head -n 1)"
  [ "$state" = "idle" ] && break
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || { show_logs; cat "$tmp"/*.out; skip "a SLURM daemon exited at start-up"; }; done
  sleep 0.5
done
[ "$state" = "idle" ] || { show_logs; skip "the SLURM node did not become idle in 60 s (state '$state')"; }
echo "SLURM single-node cluster up (port $port, node state $state)"

# --- the campaign through SLURM ----------------------------------------------------------------
"$gpudose" batch slurm "$plan" --array 3 --cpus-per-task 1 -o "$tmp/out/table.h5" --submit ||
  { show_logs; fail "gpudose batch slurm --submit failed"; }
grep -q -- "--dependency=afterok" "$tmp/out/table.h5.slurm/submit.sh" || fail "no dependent merge"
# Bounded wait for the array and the merge to leave the queue (300 s).
for _ in $(seq 1 600); do
  [ -z "$(timeout 5 squeue -h -o %i 2>/dev/null)" ] && break
  sleep 0.5
done
[ -z "$(timeout 5 squeue -h -o %i 2>/dev/null)" ] || { show_logs; fail "jobs still queued after 300 s"; }
[ -f "$tmp/out/table.h5" ] || { show_logs; fail "the merge job wrote no table"; }
for k in 1 2 3; do [ -f "$tmp/out/table.shard-$k-of-3.h5" ] || fail "shard $k missing"; done
cmp "$tmp/out/table.h5" "$ref" || { show_logs; fail "SLURM table differs from the local batch run"; }
echo "PASS: the table merged by SLURM equals the local run byte for byte"
