#!/usr/bin/python3
"""Mutation test of the derived caches (issue #14): damage a copy of one cache in several ways
and require, for each damage, either a one-line error (`gpudose: error: what (why); what to do`,
non-zero exit) or a rebuild that gives the ORIGINAL result: never a different result with exit 0.

  cache_mutation_test.py --gpudose BIN --cache-src DIR --work DIR {phantom|photon|electron|media}

phantom, photon, electron: the cache <DIR>/phantoms/AF.h5, physics/photon.h5, physics/electron.h5
is copied (with the others) to a private cache folder, a short fixed-seed run gives the reference
output, and then, each on a fresh copy: the file truncated to half its size; a value flipped
inside the still-valid HDF5 file (a label-to-organ entry, a density, a mu, a stopping power); a
NaN written; a dataset dropped. The run's table (every target's AF, SAF, S and uncertainty) must
be identical to the reference, or the run must fail with one error line.

media: a data folder mirroring --data-dir through symbolic links, with AF_media.dat a real copy;
after the liver composition is edited, a run must rebuild BOTH physics libraries (it used to keep
a stale electron.h5, whose liver self-AF then moved with exit 0), and the electron library must
record the new SHA-256 of AF_media.dat.

Needs /usr/bin/python3 with h5py (python3-h5py). Prints every case and what it saw.
"""
import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np

FILES = {"phantom": "phantoms/AF.h5", "photon": "physics/photon.h5",
         "electron": "physics/electron.h5"}
# A run that depends on the damaged values: photons in AF's liver (phantom and photon tables;
# electrons transported), electrons tracked without range rejection (the electron tables).
RUNS = {
    "phantom": ["--model", "female", "--source", "liver", "--energy", "0.5",
                "--histories", "1000", "--seed", "7"],
    "photon": ["--model", "female", "--source", "liver", "--energy", "0.5",
               "--histories", "1000", "--seed", "7"],
    "electron": ["--model", "female", "--source", "liver", "--particle", "electron",
                 "--energy", "1", "--histories", "300", "--seed", "7",
                 "--range-rejection", "off"],
}
ERROR_LINE = re.compile(r"^gpudose: error: .+ \(.+\); .+$")


def run(args, cache, data_dir=None, quiet=True):
    cmd = [args.gpudose]
    data_dir = data_dir or args.data_dir
    if data_dir:
        cmd += ["--data-dir", data_dir]
    cmd += ["--cache-dir", cache, "run"] + RUNS[args.target if args.target != "media"
                                                 else "electron"]
    if quiet:
        cmd.append("--quiet")
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    # Line 1 holds the wall time and rate; everything after it is deterministic for a seed.
    table = "\n".join(p.stdout.splitlines()[1:])
    return p.returncode, table, p.stderr


def copy_cache(src, dst):
    shutil.rmtree(dst, ignore_errors=True)
    for rel in FILES.values():
        os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
        if os.path.exists(os.path.join(src, rel)):
            shutil.copy2(os.path.join(src, rel), os.path.join(dst, rel))


def medium_index(f, names_dataset=None, names_attr=None, key="Liver"):
    if names_dataset:
        raw = f[names_dataset][()]
        names = (raw.decode() if isinstance(raw, bytes) else str(raw)).splitlines()
    else:
        raw = f.attrs[names_attr]
        names = (raw.decode() if isinstance(raw, bytes) else str(raw)).splitlines()
    return names.index(key)


def truncate(path):
    size = os.path.getsize(path)
    with open(path, "r+b") as fh:
        fh.truncate(size // 2)


# --- the damages, per cache: name -> function(path) ---------------------------------------------

def phantom_cases():
    def label_organ(path):  # liver (organ 95) and the next label's organ swap their voxels
        with h5py.File(path, "r+") as f:
            d = f["label_organ_id"]
            v = d[()]
            i = int(np.where(v == 95)[0][0])
            j = i + 1 if i + 1 < len(v) else i - 1
            v[i], v[j] = v[j], v[i]
            d[...] = v

    def labels(path):  # a slab of voxels relabelled (the liver's label where there was another)
        with h5py.File(path, "r+") as f:
            lo = f["label_organ_id"][()]
            liver = int(np.where(lo == 95)[0][0])
            d = f["labels"]
            nz = d.shape[0]
            z = nz // 2
            sl = d[z]
            sl[sl != 0] = liver
            d[z] = sl

    def nan(path):  # no float dataset: a NaN voxel size
        with h5py.File(path, "r+") as f:
            f.attrs["spacing_cm"] = np.array([np.nan, 0.1775, 0.484])

    def drop(path):
        with h5py.File(path, "r+") as f:
            del f["boundary_distance"]

    return {"truncate": truncate, "flip label_organ_id": label_organ, "flip labels": labels,
            "NaN spacing": nan, "drop boundary_distance": drop}


def photon_cases():
    def scale(name, factor):
        def f_(path):
            with h5py.File(path, "r+") as f:
                m = medium_index(f, names_dataset="/media/names")
                d = f[name]
                v = d[()]
                v[m] *= factor
                d[...] = v
        return f_

    def nan(path):
        with h5py.File(path, "r+") as f:
            m = medium_index(f, names_dataset="/media/names")
            e = f["/grid/energy"][()]
            k = int(np.searchsorted(e, 0.5))
            d = f["/media/mass_mu_total"]
            v = d[()]
            v[m, k - 3:k + 3] = np.nan
            d[...] = v

    def drop(path):
        with h5py.File(path, "r+") as f:
            del f["/media/majorant"]

    return {"truncate": truncate, "flip density": scale("/media/density", 1.1),
            "flip mass_mu_total": scale("/media/mass_mu_total", 0.9),
            "flip mass_mu": scale("/media/mass_mu", 0.9), "NaN mass_mu_total": nan,
            "drop /media/majorant": drop}


def electron_cases():
    def scale(name, factor):
        def f_(path):
            with h5py.File(path, "r+") as f:
                m = medium_index(f, names_attr="media")
                d = f[name]
                v = d[()]
                if v.ndim == 1:
                    v[m] *= factor
                else:
                    v[:, m] *= factor
                d[...] = v
        return f_

    def nan(path):
        with h5py.File(path, "r+") as f:
            m = medium_index(f, names_attr="media")
            d = f["lambda1_cm"]
            v = d[()]
            v[0, m, 200:260] = np.nan
            d[...] = v

    def drop(path):
        with h5py.File(path, "r+") as f:
            del f["brems_cdf"]

    return {"truncate": truncate, "flip density": scale("density_g_cm3", 1.1),
            "flip stopping power": scale("s_col_restricted_mev_cm", 0.9),
            # The transport slows electrons down through the soft range, the integral of
            # 1/(restricted stopping power): the stopping power as the transport reads it.
            "flip soft range": scale("soft_range_cm", 1.1),
            "flip csda range": scale("csda_range_cm", 0.9), "NaN lambda1": nan,
            "drop brems_cdf": drop}


def mutation_test(args):
    ref = os.path.join(args.work, "ref")
    copy_cache(args.cache_src, ref)
    rc, _, err = run(args, ref)  # brings the copied caches up to date (format, sources)
    if rc != 0:
        print("FAIL: reference run failed:\n" + err)
        return 1
    rc, ref_table, err = run(args, ref)
    if rc != 0 or not ref_table.strip():
        print("FAIL: reference run failed:\n" + err)
        return 1
    liver = [l for l in ref_table.splitlines() if l.startswith("Liver ")]
    print("reference:", " ".join(liver[0].split()) if liver else "(no Liver row)")
    cases = {"phantom": phantom_cases, "photon": photon_cases,
             "electron": electron_cases}[args.target]()
    failures = 0
    for name, damage in cases.items():
        case = os.path.join(args.work, "case")
        copy_cache(ref, case)
        damage(os.path.join(case, FILES[args.target]))
        rc, table, err = run(args, case)
        err_lines = [l for l in err.splitlines() if l.strip()]
        if rc == 0 and table == ref_table:
            again_rc, again, _ = run(args, case)  # the rebuilt cache is good as well
            ok = again_rc == 0 and again == ref_table
            verdict = "rebuilt, original result" if ok else "rebuilt cache then differs"
        elif rc == 0:
            ok = False
            new_liver = [l for l in table.splitlines() if l.startswith("Liver ")]
            verdict = "DIFFERENT RESULT WITH EXIT 0: " + (
                " ".join(new_liver[0].split()) if new_liver else table[:200])
        else:
            errors = [l for l in err_lines if "error" in l]
            ok = len(errors) == 1 and ERROR_LINE.match(errors[0]) is not None
            verdict = ("one-line error: " if ok else "BAD ERROR (exit %d): " % rc) + (
                errors[0] if len(errors) == 1 else repr(err[-400:]))
        notes = [l for l in err_lines if "rebuild" in l]
        print("%-4s %-26s %s%s" % ("ok" if ok else "FAIL", name, verdict,
                                   ("  [stderr: " + notes[0] + "]") if notes and ok else ""))
        failures += 0 if ok else 1
    print("%d of %d damages handled" % (len(cases) - failures, len(cases)))
    return 1 if failures else 0


# --- media: a changed media table rebuilds both physics libraries --------------------------------

def mirror(src, dst, real_file_rel):
    """dst mirrors src through symbolic links, except the folders on the way to real_file_rel
    (real folders) and that file itself (a real copy)."""
    parts = real_file_rel.split("/")
    os.makedirs(dst, exist_ok=True)
    here_src, here_dst = src, dst
    for depth, part in enumerate(parts):
        for entry in os.listdir(here_src):
            if entry == part:
                continue
            os.symlink(os.path.join(here_src, entry), os.path.join(here_dst, entry))
        here_src = os.path.join(here_src, part)
        here_dst = os.path.join(here_dst, part)
        if depth < len(parts) - 1:
            os.makedirs(here_dst, exist_ok=True)
        else:
            shutil.copy2(here_src, here_dst)
    return here_dst


def media_test(args):
    rel = ("phantoms/geant4_ICRP110_ICRPdata/ICRPdata/ICRP110_g4dat/P110_data_V1.2/AF/"
           "AF_media.dat")
    data = os.path.join(args.work, "data")
    shutil.rmtree(data, ignore_errors=True)
    media = mirror(os.path.realpath(args.data_dir), data, rel)
    cache = os.path.join(args.work, "cache")
    copy_cache(args.cache_src, cache)
    rc, before, err = run(args, cache, data, quiet=False)  # brings the caches up to date
    rc, before, err = run(args, cache, data, quiet=False)
    if rc != 0 or "building the" in err:
        print("FAIL: the mirrored data folder is not accepted as it is:\n" + err)
        return 1
    # Liver (medium 30): 1 % of the mass moved from carbon to oxygen. Columns: number, name,
    # then the percentages of the Z list on the file's first line.
    lines = open(media).read().splitlines()
    zs = [int(t) for t in lines[0].split()]
    for i, line in enumerate(lines):
        t = line.split()
        if t and t[0] == "30":
            n = len(zs)
            pct = [float(x) for x in t[-n:]]
            pct[zs.index(6)] -= 1.0
            pct[zs.index(8)] += 1.0
            lines[i] = " ".join(t[:-n] + ["%g" % p for p in pct])
            print("edited:", lines[i])
    with open(media, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    rc, after, err = run(args, cache, data, quiet=False)
    print("\n".join(l for l in err.splitlines() if "building" in l))
    ok = rc == 0
    for lib in ("photon", "electron"):
        if "building the %s library" % lib not in err:
            print("FAIL: the %s library was not rebuilt after the media table changed" % lib)
            ok = False
    digest = hashlib.sha256(open(media, "rb").read()).hexdigest()
    with h5py.File(os.path.join(cache, FILES["electron"]), "r") as f:
        sources = f.attrs["sources"]
        sources = sources.decode() if isinstance(sources, bytes) else str(sources)
    if not any(l.startswith(rel + " ") and l.endswith("sha256=" + digest)
               for l in sources.splitlines()):
        print("FAIL: electron.h5 does not record the edited AF_media.dat (sha256 %s)" % digest)
        ok = False
    b = [l for l in before.splitlines() if l.startswith("Liver ")]
    a = [l for l in after.splitlines() if l.startswith("Liver ")]
    print("liver before:", " ".join(b[0].split()) if b else "-")
    print("liver after: ", " ".join(a[0].split()) if a else "-")
    print("ok: both libraries rebuilt" if ok else "FAIL")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gpudose", required=True)
    ap.add_argument("--cache-src", required=True, help="a cache folder to copy (build/data)")
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--work", required=True, help="scratch folder (removed first)")
    ap.add_argument("target", choices=["phantom", "photon", "electron", "media"])
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    if args.target == "media":
        if not args.data_dir:
            ap.error("media needs --data-dir")
        rc = media_test(args)
    else:
        rc = mutation_test(args)
    if rc == 0:
        shutil.rmtree(args.work, ignore_errors=True)  # ~90 MB of cache copies; kept on failure
    return rc


if __name__ == "__main__":
    sys.exit(main())
