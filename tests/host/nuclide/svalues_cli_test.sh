#!/usr/bin/env bash
# End-to-end test of `gpudose svalues` on a table made here (CTest runs it with label data).
#   svalues_cli_test.sh GPUDOSE WORK
# 1. A table for the AF liver source on the ICRP 133 grid (photons and electrons, 2e4 histories
#    per job, about 10 s on two cores), folded for Lu-177: the liver self-S must reproduce
#    OpenDose's public value, 1.7533e-5 mGy/(MBq s) (volume-uniform source, voxel mass
#    1.399995 kg), within 1 %.
# 2. Outputs: CSV long and matrix layouts and JSON, consistent with each other; PCHIP within
#    1 % of linear for the self-S; icrp103 weighting multiplies Ra-223's alpha part by 20;
#    --progeny equilibrium adds Ra-223's daughters with the branching fractions of ICRP-07.NDX.
# 2b. `run --nuclide` (direct Monte Carlo of the nuclide source) against the fold.
# 3. Bad input: one-line errors, non-zero exit, no output file.
set -euo pipefail
gpudose="$1"
work="$2"
rm -rf "$work"; mkdir -p "$work"; cd "$work"
py="$(command -v /usr/bin/python3 || command -v python3)"

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_error() {  # expect_error REGEX cmd...: non-zero exit, one-line stderr matching REGEX
  local regex="$1"; shift
  local err rc=0
  err="$("$@" 2>&1 >/dev/null)" || rc=$?
  [ "$rc" -ne 0 ] || fail "expected failure of: $*"
  [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "error is not one line: $err"
  printf '%s\n' "$err" | grep -Eq -- "$regex" || fail "error '$err' does not match '$regex'"
  echo "ok (exit $rc): $err"
}

# --- 1. The table and the OpenDose reference -----------------------------------------------
"$gpudose" batch plan --models female --sources liver --particles photon,electron \
  --energies icrp133 --histories 20000 -o plan.json >/dev/null
"$gpudose" batch run plan.json -o liver.h5 --quiet
"$gpudose" svalues liver.h5 --nuclide Lu-177,F-18 -o s.csv -o s.json -o s.h5 | tee summary.txt
"$gpudose" svalues liver.h5 --nuclide lu177 --interpolation pchip -o pchip.json >/dev/null
"$gpudose" svalues liver.h5 --nuclide Lu-177,F-18 --layout matrix -o matrix.csv >/dev/null
"$gpudose" svalues liver.h5 --nuclide Ra-223 -o ra.json >/dev/null
"$gpudose" svalues liver.h5 --nuclide Ra-223 --weighting icrp103 -o ra_w.json >/dev/null
"$gpudose" svalues liver.h5 --nuclide Ra-223 --progeny equilibrium -o ra_eq.json >/dev/null
"$py" - <<'PY'
import csv, json, math

def rows(path):
    return json.load(open(path))["rows"]

def pick(rs, nuclide, target):
    hits = [r for r in rs if r["nuclide"] == nuclide and r["target"] == target]
    assert len(hits) == 1, (nuclide, target, len(hits))
    return hits[0]

s = json.load(open("s.json"))
lu = pick(s["rows"], "Lu-177", "Liver")
ref = 1.7533e-5  # OpenDose, AF, Lu-177, liver <- liver, mGy/(MBq s)
dev = lu["s_mgy_per_mbq_s"] / ref - 1
print(f"Lu-177 liver self-S {lu['s_mgy_per_mbq_s']:.5e} mGy/(MBq s), OpenDose {ref:.5e}: "
      f"{100 * dev:+.2f} % (rel. 1-sigma {100 * lu['rel_unc']:.3f} %), mass {lu['mass_kg']:.6f} kg")
assert abs(dev) < 0.01, "Lu-177 liver self-S more than 1 % from OpenDose"
assert abs(lu["mass_kg"] / 1.399995 - 1) < 1e-5, "liver voxel mass"
assert abs(lu["s_gy_per_bq_s"] * 1e9 / lu["s_mgy_per_mbq_s"] - 1) < 1e-12
assert abs(sum(lu[k] for k in ("share_photon", "share_beta", "share_ic_auger", "share_alpha")) - 1) < 1e-3
# Lu-177: about 0.148 MeV of electrons and 0.035 MeV of photons per decay (ICRP 107).
n = [x for x in s["nuclides"] if x["nuclide"] == "Lu-177"][0]
e = n["emitted_mev_per_decay"]
assert abs(e["beta"] + e["ic_auger"] - 0.1482) < 0.002 and abs(e["photon"] - 0.0351) < 0.001, e
for key in ("table_plan_hash", "table_physics_digest", "decay_index_sha256", "interpolation"):
    assert s["provenance"][key], key

# CSV long = JSON; matrix = JSON.
with open("s.csv") as f:
    body = [l for l in f if not l.startswith("#")]
csv_rows = list(csv.DictReader(body))
assert len(csv_rows) == len(s["rows"]), (len(csv_rows), len(s["rows"]))
c = [r for r in csv_rows if r["nuclide"] == "Lu-177" and r["target"] == "Liver"][0]
assert abs(float(c["s_mgy_per_mbq_s"]) / lu["s_mgy_per_mbq_s"] - 1) < 1e-6
matrix = open("matrix.csv").read()
assert "# model AF, nuclide Lu-177: S in mGy/(MBq s)" in matrix
block = matrix.split("# model AF, nuclide Lu-177: S in mGy/(MBq s)")[1]
line = [l for l in block.splitlines() if l.startswith('"Liver",')][0]
assert abs(float(line.split(",")[1]) / lu["s_mgy_per_mbq_s"] - 1) < 1e-6

# PCHIP within 1 % of linear for the self-S, and both schemes are reported in every row.
p = pick(rows("pchip.json"), "Lu-177", "Liver")
assert abs(p["s_gy_per_bq_s"] / lu["s_gy_per_bq_s"] - 1) < 0.01
assert p["s_linear_gy_per_bq_s"] == lu["s_linear_gy_per_bq_s"]

# Ra-223: alpha part x 20 with icrp103; daughters in equilibrium.
ra, ra_w = pick(rows("ra.json"), "Ra-223", "Liver"), pick(rows("ra_w.json"), "Ra-223", "Liver")
alpha = ra["share_alpha"] * ra["s_gy_per_bq_s"]
expect = ra["s_gy_per_bq_s"] + 19 * alpha
assert abs(ra_w["s_gy_per_bq_s"] / expect - 1) < 1e-9, (ra_w["s_gy_per_bq_s"], expect)
eq = json.load(open("ra_eq.json"))
chain = {c["nuclide"]: c["activity_per_parent_decay"] for c in eq["nuclides"][0]["chain"]}
print("Ra-223 chain:", chain)
for d in ("Rn-219", "Po-215", "Pb-211", "Bi-211", "Tl-207", "Po-211"):
    assert d in chain, d
assert abs(chain["Tl-207"] + chain["Po-211"] - 1) < 1e-6
ra_eq = pick(eq["rows"], "Ra-223", "Liver")
assert ra_eq["s_gy_per_bq_s"] > 3.5 * ra["s_gy_per_bq_s"], "four alphas per chain vs one"
# HDF5 = JSON, row for row.
import h5py
with h5py.File("s.h5", "r") as f:
    assert f.attrs["format"] == b"gpudose-svalues" or f.attrs["format"] == "gpudose-svalues"
    h5s = f["rows/s_gy_per_bq_s"][...]
    assert len(h5s) == len(s["rows"])
    assert all(abs(a - r["s_gy_per_bq_s"]) <= 1e-15 * abs(a) for a, r in zip(h5s, s["rows"]))
    assert f["rows/s_gy_per_bq_s"].attrs["unit"] in (b"Gy/(Bq s)", "Gy/(Bq s)")
print("svalues outputs consistent")
PY

# --- 2b. `run --nuclide` against the fold of the same physics ------------------------------
# Direct Monte Carlo of Lu-177 and F-18 (pure beta+: real positrons) in the liver, against the
# fold of the table above: source and two cross-fire targets within 3 sigma + 0.5 %; Lu-177's
# liver self-S also within 1 % of OpenDose; bit-identical tallies with 1 and 2 threads.
"$gpudose" run --model female --source liver --nuclide Lu-177 --histories 4e5 --threads 2 \
  --quiet -o run_lu.json >/dev/null
"$gpudose" run --model female --source liver --nuclide lu177 --histories 4e5 --threads 1 \
  --quiet -o run_lu1.json >/dev/null
"$gpudose" run --model female --source liver --nuclide F-18 --histories 4e5 --quiet \
  -o run_f.json >/dev/null
"$py" - <<'PY'
import json

fold = json.load(open("s.json"))["rows"]
for nuclide, path in (("Lu-177", "run_lu.json"), ("F-18", "run_f.json")):
    run = json.load(open(path))
    assert run["nuclide"] == nuclide and run["units"]["s_gy"].startswith("Gy per decay")
    for target in ("Liver", "Kidneys", "Stomach wall"):
        a = [t for t in run["targets"] if t["name"] == target][0]
        b = [r for r in fold if r["nuclide"] == nuclide and r["target"] == target][0]
        sa, sb = a["s_mgy_per_mbq_s"], b["s_mgy_per_mbq_s"]
        sigma = ((a["rel_unc"] * sa) ** 2 + (b["rel_unc"] * sb) ** 2) ** 0.5
        print(f"{nuclide} {target}: run {sa:.5e} +- {100 * a['rel_unc']:.2f} %, svalues {sb:.5e} "
              f"+- {100 * b['rel_unc']:.2f} %: {100 * (sa / sb - 1):+.2f} %")
        assert abs(sa - sb) <= 3 * sigma + 0.005 * sb, (nuclide, target)
    if nuclide == "Lu-177":
        liver = [t for t in run["targets"] if t["name"] == "Liver"][0]["s_mgy_per_mbq_s"]
        assert abs(liver / 1.7533e-5 - 1) < 0.01, liver
one = json.load(open("run_lu1.json"))["targets"]
two = json.load(open("run_lu.json"))["targets"]
assert [t["energy_mev"] for t in one] == [t["energy_mev"] for t in two], "threads changed tallies"
print("run --nuclide agrees with svalues")
PY

# --- 3. Bad input ---------------------------------------------------------------------------
"$gpudose" batch plan --models female --sources liver --particles photon --energies 0.01,0.1,1 \
  --histories 2000 -o photon_plan.json >/dev/null
"$gpudose" batch run photon_plan.json -o photon.h5 --quiet
"$gpudose" batch plan --models female --sources liver --particles photon,electron \
  --energies 0.01,0.1,1 --histories 2000 -o low_plan.json >/dev/null
"$gpudose" batch run low_plan.json -o low.h5 --quiet
expect_error "unknown nuclide 'Lu178x'.*closest: 'Lu-178'" \
  "$gpudose" svalues liver.h5 --nuclide Lu178x -o bad.csv
expect_error "cannot fold F-18 with this SAF table \(it emits beta particles and the table has no electron SAFs" \
  "$gpudose" svalues photon.h5 --nuclide F-18 -o bad.csv
expect_error "cannot fold Y-90 .*is above the (photon|electron) table, which spans 0.01 to 1 MeV" \
  "$gpudose" svalues low.h5 --nuclide Y-90 -o bad.csv
expect_error "source 'kidneys' is not in the table for AF" \
  "$gpudose" svalues liver.h5 --nuclide Lu-177 --source kidneys -o bad.csv
expect_error "--layout matrix needs a .csv output" \
  "$gpudose" svalues liver.h5 --nuclide Lu-177 --layout matrix -o bad.json
expect_error "unknown --progeny 'all'" \
  "$gpudose" svalues liver.h5 --nuclide Lu-177 --progeny all -o bad.csv
expect_error "cannot write .*svalues writes .csv, .json or .h5" \
  "$gpudose" svalues liver.h5 --nuclide Lu-177 -o bad.txt
expect_error "table|HDF5|not found|cannot" \
  "$gpudose" svalues missing.h5 --nuclide Lu-177 -o bad.csv
expect_error "--nuclide replaces --particle and --energy|excludes" \
  "$gpudose" run --model female --source liver --nuclide Lu-177 --particle electron -o bad.json
expect_error "unknown nuclide 'Lu178x'" \
  "$gpudose" run --model female --source liver --nuclide Lu178x -o bad.json
expect_error "--electrons local does not apply to a nuclide source" \
  "$gpudose" run --model female --source liver --nuclide Lu-177 --electrons local -o bad.json
expect_error "needs --energy \(with --particle\) or --nuclide" \
  "$gpudose" run --model female --source liver -o bad.json
mkdir -p ro && chmod a-w ro
if [ "$(id -u)" -ne 0 ]; then  # root writes anywhere
  expect_error "cannot write|Permission" \
    "$gpudose" svalues liver.h5 --nuclide Lu-177 -o ro/s.csv
fi
[ ! -e bad.csv ] && [ ! -e bad.json ] && [ ! -e bad.txt ] || fail "an output was written"
# --nuclide all folds every nuclide the table can (it reaches 10 MeV: all but the few whose
# emissions need a missing table), in seconds.
start=$(date +%s.%N)
"$gpudose" svalues liver.h5 --nuclide all -o all.csv 2>all.err >/dev/null
end=$(date +%s.%N)
echo "--nuclide all: $(grep -vc '^#' all.csv) rows in $(awk "BEGIN{printf \"%.2f\", $end - $start}") s; $(head -1 all.err)"
echo "svalues CLI: all checks passed"
