#!/usr/bin/env bash
# End-to-end tests of `gpudose batch` and `gpudose export` (CTest runs one CASE per test).
#   batch_cli_test.sh GPUDOSE WORK CASE
# CASE reference: plan (2 sources x photon x 3 energies) + uninterrupted run = the reference
#                 table WORK/ref.h5 (a CTest fixture the other cases use).
# CASE resume:    run killed with SIGKILL after its first job is recorded, restarted: the table
#                 must equal the reference byte for byte.
# CASE shards:    3 shards merged in two orders equal the reference byte for byte; merge errors.
# CASE electron:  photon, electron and positron jobs of one plan, two shards merged.
# CASE errors:    edited plan, another plan's output, unwritable output, corrupt job record,
#                 corrupt table, bad shard: one-line errors, no finished job lost.
# CASE rules:     sources from a file; an uncertainty stop rule, independent of thread count.
# CASE fulldisk:  the disk fills up mid-run (small tmpfs): one-line error, records kept.
# CASE fulldisk_outputs: every writer (run, phantom export, export, physics table, merge) on a
#                 full disk: one-line error, no file.
# CASE integrity: another plan onto a finished table without .jobs; SLURM option injection.
# CASE exports:   icrp133, opendose-csv and csv exports of the reference table.
set -euo pipefail
gpudose="$1"
work="$2"
case_name="$3"
mkdir -p "$work"
ref="$work/ref"
plan="$ref/plan.json"

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_error REGEX cmd...: non-zero exit, one-line stderr matching REGEX.
expect_error() {
  local regex="$1"; shift
  local err rc=0
  err="$("$@" 2>&1 >/dev/null)" || rc=$?
  [ "$rc" -ne 0 ] || fail "expected failure of: $*"
  [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "error is not one line: $err"
  printf '%s\n' "$err" | grep -Eq -- "$regex" || fail "error '$err' does not match '$regex'"
  echo "ok (exit $rc): $err"
}

# Few histories, one thread: every job takes a noticeable moment (so the resume test can kill a
# run between jobs), the whole plan a few seconds.
make_plan() {  # make_plan OUT [SEED [PARTICLES [HISTORIES]]]
  "$gpudose" batch plan --models female --sources liver,kidneys --particles "${3:-photon}" \
    --energies "$ref/energies.txt" --histories "${4:-10000}" --seed "${2:-20260707}" -o "$1" \
    >/dev/null
}

case "$case_name" in
  reference)
    rm -rf "$ref"; mkdir -p "$ref"
    printf '# MeV\n0.05\n0.5\n2.0\n' > "$ref/energies.txt"
    make_plan "$plan"
    "$gpudose" batch run "$plan" -o "$ref/ref.h5" --threads 1 --quiet
    [ -f "$ref/ref.h5" ] || fail "no reference table"
    [ -f "$ref/ref.provenance.json" ] || fail "no provenance file"
    "$gpudose" batch status "$ref/ref.h5" | tee "$ref/status.txt"
    grep -q "6 jobs, 6 done, 0 missing" "$ref/status.txt" || fail "status of the reference"
    # --sources all: OpenDose's source numbers 1..172 present in each model (the data README:
    # AF has no prostate, ID 115; AM no ovaries, IDs 111-112), 91 energies, unique job ids.
    "$gpudose" batch plan --models all --sources all --energies log91 --histories 1e8 \
      -o "$ref/all.json" >/dev/null
    /usr/bin/python3 - "$ref/all.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
jobs = plan["jobs"]
assert [j["job_id"] for j in jobs] == list(range(len(jobs)))
for model, absent in (("AF", 115), ("AM", 111)):
    mine = [j for j in jobs if j["model"] == model]
    numbers = sorted({j["source_number"] for j in mine})
    assert all(1 <= n <= 172 for n in numbers), numbers
    assert {95, 141, 142, 172} <= set(numbers), numbers
    assert absent not in numbers, (model, absent)
    assert len(mine) == 91 * len(numbers)
    energies = sorted({j["energy_mev"] for j in mine})
    assert len(energies) == 91 and energies[0] == 0.005 and energies[-1] == 10.0
    assert all(j["histories"] == 100000000 and j["particle"] == "photon" for j in mine)
    print(model, len(numbers), "sources,", len(mine), "jobs")
PY
    # Running again changes nothing: everything is recorded, the table is rebuilt identically.
    cp "$ref/ref.h5" "$ref/ref.copy.h5"
    "$gpudose" batch run "$plan" -o "$ref/ref.h5" --quiet
    cmp "$ref/ref.h5" "$ref/ref.copy.h5" || fail "re-running a finished plan changed the table"
    ;;

  resume)
    d="$work/resume"; rm -rf "$d"; mkdir -p "$d"
    "$gpudose" batch run "$plan" -o "$d/t.h5" --threads 1 --quiet &
    pid=$!
    # SIGKILL as soon as the first job record exists (bounded wait: 120 s).
    for _ in $(seq 1 12000); do
      compgen -G "$d/t.h5.jobs/job-*.json" >/dev/null && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.01
    done
    kill -0 "$pid" 2>/dev/null || fail "the run ended before it could be killed (jobs too short)"
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    n=$(compgen -G "$d/t.h5.jobs/job-*.json" | wc -l)
    echo "killed with $n of 6 jobs recorded"
    [ "$n" -ge 1 ] && [ "$n" -lt 6 ] || fail "expected a partial run, got $n records"
    [ ! -f "$d/t.h5" ] || fail "a killed run left a table"
    "$gpudose" batch status "$d/t.h5" | tee "$d/status.txt"
    grep -q "6 jobs, $n done" "$d/status.txt" || fail "status of the killed run"
    "$gpudose" batch run "$plan" -o "$d/t.h5" --quiet
    cmp "$d/t.h5" "$ref/ref.h5" || fail "resumed table differs from the uninterrupted run"
    # Killed at arbitrary moments (start-up, mid-job, writing a record or the table), then
    # finished: still the same bytes, and no temporary file left behind.
    delays=(0.15 0.4 0.7 0.25 0.9 0.55 1.1 0.35)
    for delay in "${delays[@]}"; do
      "$gpudose" batch run "$plan" -o "$d/k.h5" --threads 1 --quiet &
      pid=$!
      sleep "$delay"
      kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    done
    echo "after ${#delays[@]} kills: $(compgen -G "$d/k.h5.jobs/job-*.json" | wc -l) of 6 recorded"
    "$gpudose" batch run "$plan" -o "$d/k.h5" --quiet
    cmp "$d/k.h5" "$ref/ref.h5" || fail "table after repeated kills differs"
    ! compgen -G "$d/*.tmp.*" >/dev/null || fail "temporary files left: $(ls "$d")"
    ! compgen -G "$d/k.h5.jobs/*.tmp.*" >/dev/null || fail "temporary records left"
    # Also through --stop-after (a clean stop) and a resume with another thread count.
    "$gpudose" batch run "$plan" -o "$d/u.h5" --threads 2 --stop-after 2 --quiet
    [ "$(compgen -G "$d/u.h5.jobs/job-*.json" | wc -l)" -eq 2 ] || fail "--stop-after 2"
    "$gpudose" batch run "$plan" -o "$d/u.h5" --threads 1 --quiet
    cmp "$d/u.h5" "$ref/ref.h5" || fail "stop/resume table differs"
    echo "resumed tables are bit-identical to the uninterrupted run"
    ;;

  shards)
    d="$work/shards"; rm -rf "$d"; mkdir -p "$d"
    for k in 1 2 3; do "$gpudose" batch run "$plan" --shard "$k/3" -o "$d/s$k.h5" --quiet; done
    "$gpudose" batch status "$d/s1.h5" "$d/s3.h5" | tee "$d/status.txt"
    grep -q "missing job ids" "$d/status.txt" || fail "status should list the missing shard"
    "$gpudose" batch merge "$d/s3.h5" "$d/s1.h5" "$d/s2.h5" -o "$d/m1.h5" >/dev/null
    "$gpudose" batch merge "$d/s2.h5" "$d/s3.h5" "$d/s1.h5" -o "$d/m2.h5" >/dev/null
    cmp "$d/m1.h5" "$ref/ref.h5" || fail "merged shards differ from the unsharded run"
    cmp "$d/m1.h5" "$d/m2.h5" || fail "merge depends on shard order"
    expect_error "lack 2 of the plan's 6 jobs|lack [0-9]+ of the plan" \
      "$gpudose" batch merge "$d/s1.h5" "$d/s2.h5" -o "$d/x.h5"
    expect_error "is in both" "$gpudose" batch merge "$d/s1.h5" "$d/s1.h5" "$d/s2.h5" "$d/s3.h5" -o "$d/x.h5"
    make_plan "$d/other.json" 7
    "$gpudose" batch run "$d/other.json" --shard 1/3 -o "$d/o1.h5" --quiet
    expect_error "come from different plans" \
      "$gpudose" batch merge "$d/o1.h5" "$d/s2.h5" "$d/s3.h5" -o "$d/x.h5"
    [ ! -f "$d/x.h5" ] || fail "a failed merge left a table"
    ;;

  electron)
    # Electron and positron jobs (coupled transport) run like photon jobs; a plan that asks
    # for local electrons with charged sources is refused.
    d="$work/electron"; rm -rf "$d"; mkdir -p "$d"
    make_plan "$d/mixed.json" 20260707 photon,electron,positron 4000
    grep -q '"particle": "electron"' "$d/mixed.json" || fail "the plan holds no electron job"
    "$gpudose" batch run "$d/mixed.json" --shard 2/2 -o "$d/t.h5" --quiet
    "$gpudose" batch run "$d/mixed.json" --shard 1/2 -o "$d/u.h5" --quiet
    "$gpudose" batch merge "$d/t.h5" "$d/u.h5" -o "$d/all.h5" >/dev/null
    /usr/bin/python3 - "$d/all.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    for particle in ("photon", "electron", "positron"):
        g = f[f"AF/{particle}/Liver"]
        names = [t.decode() for t in g["target_name"][...]]
        af = g["af"][:, names.index("Liver")]
        print(particle, "AF(liver <- liver) at", list(g["energy_mev"][...]), "MeV:", af)
        if particle == "electron":
            # A 0.05-2 MeV electron's CSDA range in soft tissue is at most ~1 cm: nearly all
            # of its energy stays in a 1.4 kg liver. (Positron AFs count the annihilation
            # photons' 1.022 MeV in the emitted energy, most of which escapes.)
            assert all(a > 0.85 for a in af), af
PY
    expect_error "--electrons local applies to photon plans only" \
      "$gpudose" batch plan --models female --sources liver --particles electron \
      --electrons local --energies "$ref/energies.txt" -o "$d/x.json"
    ;;

  errors)
    d="$work/errors"; rm -rf "$d"; mkdir -p "$d"
    # A plan edited by hand (an energy changed) no longer matches its hash.
    sed 's/"energy_mev": 0.5,/"energy_mev": 0.6,/' "$plan" > "$d/edited.json"
    ! cmp -s "$plan" "$d/edited.json" || fail "the edit did not change the plan"
    expect_error "does not match its plan_hash" "$gpudose" batch run "$d/edited.json" -o "$d/e.h5"
    printf '{"format": "gpudose-batch-plan"' > "$d/broken.json"
    expect_error "is not a valid gpudose plan" "$gpudose" batch run "$d/broken.json" -o "$d/e.h5"
    expect_error "bad shard '4/3'" "$gpudose" batch run "$plan" --shard 4/3 -o "$d/e.h5"
    expect_error "does not exist or is not writable" \
      "$gpudose" batch run "$plan" -o "$d/no/such/folder/t.h5"
    # Two finished jobs, then one record corrupted: refused, the other record kept.
    "$gpudose" batch run "$plan" -o "$d/t.h5" --stop-after 2 --quiet
    mapfile -t recs < <(compgen -G "$d/t.h5.jobs/job-*.json" | sort)
    [ "${#recs[@]}" -eq 2 ] || fail "expected 2 records"
    /usr/bin/python3 - "${recs[0]}" <<'PY'
import json, sys
rec = json.load(open(sys.argv[1]))
rec["result"]["af"][1] *= 1.01  # a silent bit of damage: still valid JSON
json.dump(rec, open(sys.argv[1], "w"))
PY
    expect_error "is corrupt.*does not match result_sha256.*delete that file" "$gpudose" batch run "$plan" -o "$d/t.h5" --quiet
    [ -f "${recs[1]}" ] || fail "a finished job record was lost"
    printf 'garbage' > "${recs[0]}"
    expect_error "is corrupt" "$gpudose" batch status "$d/t.h5"
    rm "${recs[0]}"
    "$gpudose" batch run "$plan" -o "$d/t.h5" --quiet
    cmp "$d/t.h5" "$ref/ref.h5" || fail "table after recomputing the corrupt job differs"
    # The output of one plan refuses another plan.
    make_plan "$d/other.json" 99
    expect_error "(belongs to|is a table of) another plan" "$gpudose" batch run "$d/other.json" -o "$d/t.h5"
    # Corrupt tables: truncated, and one value changed inside (checksum).
    head -c 3000 "$ref/ref.h5" > "$d/truncated.h5"
    expect_error "corrupt or not a gpudose batch table" "$gpudose" batch status "$d/truncated.h5"
    expect_error "corrupt or not a gpudose batch table" \
      "$gpudose" batch merge "$d/truncated.h5" -o "$d/m.h5"
    /usr/bin/python3 - "$ref/ref.h5" "$d/tampered.h5" <<'PY'
import sys, h5py, shutil
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "r+") as f:
    g = f["AF/photon/Liver"]
    a = g["saf_per_kg"][...]
    a[1, 0] *= 1.01
    g["saf_per_kg"][...] = a
PY
    expect_error "fails its checksum for job" "$gpudose" export "$d/tampered.h5" --format csv -o "$d/x.csv"
    expect_error "unknown export format" "$gpudose" export "$ref/ref.h5" --format xml -o "$d/x"
    ;;

  rules)
    # Sources from a file give the same plan as the list; an uncertainty stop rule stops each
    # job at the same batch whatever the thread count (the table is bit-identical).
    d="$work/rules"; rm -rf "$d"; mkdir -p "$d"
    printf '# sources\nliver\n\nkidneys  # both\n' > "$d/sources.txt"
    "$gpudose" batch plan --models female --sources @"$d/sources.txt" --particles photon \
      --energies "$ref/energies.txt" --histories 10000 --seed 20260707 -o "$d/from-file.json" >/dev/null
    cmp "$d/from-file.json" "$plan" || fail "a sources file gives another plan than the list"
    "$gpudose" batch plan --models female --sources liver --energies "$ref/energies.txt" \
      --uncertainty 0.006 --histories 1e6 --batch-size 1000 --seed 5 --electrons local \
      -o "$d/unc.json" >/dev/null
    "$gpudose" batch run "$d/unc.json" -o "$d/u1.h5" --threads 1 --quiet
    "$gpudose" batch run "$d/unc.json" -o "$d/u2.h5" --threads 2 --quiet
    cmp "$d/u1.h5" "$d/u2.h5" || fail "uncertainty-rule table depends on the thread count"
    /usr/bin/python3 - "$d/u1.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    g = f["AF/photon/Liver"]
    names = [t.decode() for t in g["target_name"][...]]
    liver = names.index("Liver")
    for e, stop, n, unc in zip(g["energy_mev"][...], g["stop_reason"][...], g["histories"][...],
                               g["rel_unc"][:, liver]):
        assert stop.decode() == "uncertainty", stop
        assert unc <= 0.006 and 20000 < n < 1000000 and n % 1000 == 0, (e, unc, n)
        print(f"{e} MeV: stopped at {n} histories, liver rel. unc. {unc:.4f}")
PY
    ;;

  fulldisk)
    # A disk that fills up mid-campaign (a 120 KiB tmpfs: room for the plan and a few job
    # records): a one-line error, the records already written are intact, and the campaign
    # finishes elsewhere from them with the same bytes. Needs mount rights (exit 77: skipped).
    d="$work/fulldisk"; rm -rf "$d"; mkdir -p "$d/small"
    mount -t tmpfs -o size=120k tmpfs "$d/small" 2>/dev/null ||
      { echo "SKIP: cannot mount a small tmpfs here (needs root)"; exit 77; }
    trap 'umount "$d/small" 2>/dev/null || true' EXIT
    expect_error "cannot write .*(No space left on device|disk).*finished jobs are kept" \
      "$gpudose" batch run "$plan" -o "$d/small/t.h5" --threads 1 --quiet
    n=$(compgen -G "$d/small/t.h5.jobs/job-*.json" | wc -l)
    echo "disk full after $n of 6 job records"
    [ "$n" -ge 1 ] && [ "$n" -lt 6 ] || fail "expected some but not all records, got $n"
    cp -r "$d/small/t.h5.jobs" "$d/t.h5.jobs"
    "$gpudose" batch status "$d/t.h5" | grep -q "6 jobs, $n done" || fail "records were damaged"
    "$gpudose" batch run "$plan" -o "$d/t.h5" --quiet
    cmp "$d/t.h5" "$ref/ref.h5" || fail "table finished after a full disk differs"
    ;;

  fulldisk_outputs)
    # Every writer on a full disk (a tmpfs filled to the last few KiB): a one-line error, a
    # non-zero exit and no file under the final name; never a crash, never a torn file
    # (issue 14). Needs mount rights (exit 77: skipped).
    d="$work/fulldisk_outputs"; rm -rf "$d"; mkdir -p "$d/small"
    mount -t tmpfs -o size=64k tmpfs "$d/small" 2>/dev/null ||
      { echo "SKIP: cannot mount a small tmpfs here (needs root)"; exit 77; }
    trap 'umount "$d/small" 2>/dev/null || true' EXIT
    dd if=/dev/zero of="$d/small/fill" bs=1k count=56 2>/dev/null || true
    s="$d/small"
    run=(run --model female --source liver --energy 0.5 --histories 2000 --quiet)
    expect_error "cannot write '$s/r.h5' \(No space left on device\)" "$gpudose" "${run[@]}" -o "$s/r.h5"
    expect_error "cannot write '$s/r.json'" "$gpudose" "${run[@]}" -o "$s/r.json"
    expect_error "cannot write '$s/r.csv'" "$gpudose" "${run[@]}" -o "$s/r.csv"
    for f in a.nii a.nii.gz a.mha; do
      expect_error "cannot write '$s/$f' \(the written file does not read back whole" \
        "$gpudose" phantom export --model female -o "$s/$f"
    done
    expect_error "cannot write .*none of the 2 files was written" \
      "$gpudose" export "$ref/ref.h5" --format opendose-csv -o "$s/od"
    expect_error "cannot write '$s/long.csv'" \
      "$gpudose" export "$ref/ref.h5" --format csv -o "$s/long.csv"
    expect_error "cannot write '$s/water.csv'" \
      "$gpudose" physics table --medium water --particle photon -o "$s/water.csv"
    expect_error "cannot write '$s/m.h5'.*finished jobs are kept" \
      "$gpudose" batch merge "$ref/ref.h5" -o "$s/m.h5"
    left="$(cd "$s" && find . -type f ! -name fill | sort | tr '\n' ' ')"
    [ -z "$left" ] || fail "files left on the full disk: $left"
    echo "full disk: every writer failed cleanly"
    ;;

  integrity)
    # Another plan onto a finished table whose .jobs folder is gone: refused (the table carries
    # its plan hash). A newline in a SLURM option: refused, nothing written.
    d="$work/integrity"; rm -rf "$d"; mkdir -p "$d"
    cp "$ref/ref.h5" "$d/t.h5"
    make_plan "$d/other.json" 7
    expect_error "output '$d/t.h5' is a table of another plan" \
      "$gpudose" batch run "$d/other.json" -o "$d/t.h5" --quiet
    cmp "$d/t.h5" "$ref/ref.h5" || fail "the other plan's run touched the table"
    expect_error "bad --partition value for the SLURM scripts" \
      "$gpudose" batch slurm "$plan" --array 2 --partition "$(printf 'gpu\nrm -rf /')" -o "$d/s.h5"
    expect_error "bad --time value" "$gpudose" batch slurm "$plan" --array 2 --time '1:00;x' -o "$d/s.h5"
    [ ! -e "$d/s.h5.slurm/array.sbatch" ] || fail "a script was written"
    ;;

  exports)
    d="$work/exports"; rm -rf "$d"; mkdir -p "$d"
    "$gpudose" export "$ref/ref.h5" --format icrp133 -o "$d/icrp133"
    "$gpudose" export "$ref/ref.h5" --format opendose-csv -o "$d/opendose"
    "$gpudose" export "$ref/ref.h5" --format csv -o "$d/long.csv"
    /usr/bin/python3 - "$ref/ref.h5" "$d" <<'PY'
import csv, sys, h5py, math
ref, d = sys.argv[1], sys.argv[2]
with h5py.File(ref, "r") as f:
    groups = {name: f["AF/photon"][name] for name in f["AF/photon"]}
    assert sorted(groups) == ["Kidneys", "Liver"], sorted(groups)
    g = groups["Liver"]
    targets = [t.decode() for t in g["target_name"][...]]
    energies = list(g["energy_mev"][...])
    saf = g["saf_per_kg"][...]
    assert energies == [0.05, 0.5, 2.0], energies
    assert saf.shape == (3, len(targets))
    t = targets.index("Liver")
    # ICRP 133 layout: header, energies line, separator, sources x targets records.
    lines = open(f"{d}/icrp133/AF_photon.SAF").read().splitlines()
    assert lines[2].startswith("Photons"), lines[2]
    nt, ns = int(lines[3][0:4]), int(lines[3][4:8])
    assert (nt, ns) == (len(targets), 2), (nt, ns)
    e = [float(lines[3][22 + 10 * i:32 + 10 * i]) for i in range(3)]
    assert e == energies, (e, lines[3])
    assert len(lines) == 5 + nt * ns
    # sources sorted by name: Kidneys first, then Liver; record (j-1)*nt + i.
    rec = lines[5 + 1 * nt + t]
    assert rec.startswith("Liver") and "<-Liver" in rec, rec
    width = rec.index("<-")
    vals = rec[2 * width + 2:]
    safs = [float(vals[10 * i:10 * i + 10]) for i in range(3)]
    for a, b in zip(safs, saf[:, t]):
        assert abs(a - b) <= 5e-4 * b, (a, b)
    # Long CSV: every job x target once, values equal to the table to 10 digits.
    rows = list(csv.DictReader(l for l in open(f"{d}/long.csv") if not l.startswith("#")))
    assert len(rows) == 2 * 3 * len(targets), len(rows)
    r = [x for x in rows if x["source"] == "Liver" and x["target"] == "Liver" and
         float(x["energy_mev"]) == 0.5][0]
    assert math.isclose(float(r["saf_per_kg"]), saf[1, t], rel_tol=1e-9)
    # OpenDose-like: one file per source.
    rows = list(csv.DictReader(l for l in open(f"{d}/opendose/AF_photon_Liver.csv")
                               if not l.startswith("#")))
    assert len(rows) == 3 * len(targets)
    r = [x for x in rows if x["target"] == "Liver" and float(x["energy_mev"]) == 2.0][0]
    assert math.isclose(float(r["saf_per_kg"]), saf[2, t], rel_tol=1e-9)
    print("exports agree with the table;", len(targets), "targets")
PY
    [ -f "$d/opendose/AF_photon_Kidneys.csv" ] || fail "no Kidneys CSV"
    ;;

  *) fail "unknown case '$case_name'" ;;
esac
echo "PASS: $case_name"
