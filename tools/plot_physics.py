#!/usr/bin/python3
"""Plot a medium's tables from `gpudose physics table` CSV output, with NIST reference points.

    /usr/bin/python3 tools/plot_physics.py water.csv -o water.png [--data-dir ../shared]

Photon CSVs (columns energy_MeV, total_cm2_g, ... , mu_en_cm2_g): mu/rho (total and partial) and
mu_en/rho versus energy, log-log, with NIST XCOM total mu/rho points for the same composition
(mixture rule over the elemental XCOM tables of Debian's python-fisx-common,
<data-dir>/physics-data-sources/fisx-debian/XCOM_CrossSections.dat.gz). The composition is
read from the CSV's first comment line ("composition H 0.111894, O 0.888106").
Electron/positron CSVs (mass stopping-power columns S_col/S_rad/S_tot_MeV_cm2_per_g) get a
stopping-power panel with NIST ESTAR points: the elemental ESTAR tables of
<data-dir>/physics-data-sources/openmc-misc/stopping_powers_estar.h5 combined by Bragg
additivity (exact for S_rad; for S_col the compound's own I value and density effect differ, so
expect ~1-2 % offsets there). Needs Debian's python3-matplotlib (and python3-h5py for the ESTAR
points); run with /usr/bin/python3.
"""
import argparse
import csv
import gzip
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display needed (CI)
import matplotlib.pyplot as plt  # noqa: E402

SYMBOLS = ("H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn "
           "Ga Ge As Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I").split()


def read_csv(path):
    comments, rows = [], []
    with open(path, newline="") as f:
        lines = [line for line in f]
    comments = [line[1:].strip() for line in lines if line.startswith("#")]
    body = [line for line in lines if not line.startswith("#")]
    reader = csv.DictReader(body)
    for r in reader:
        rows.append({k: float(v) for k, v in r.items()})
    if not rows:
        sys.exit(f"plot_physics: no data rows in {path}")
    return comments, rows


def composition(comments):
    for c in comments:
        m = re.search(r"composition (.*)$", c)
        if m:
            out = []
            for part in m.group(1).split(","):
                sym, frac = part.split()
                out.append((SYMBOLS.index(sym) + 1, float(frac)))
            return out
    return None


def read_xcom(data_dir):
    path = os.path.join(data_dir, "physics-data-sources", "fisx-debian",
                        "XCOM_CrossSections.dat.gz")
    table, z = {}, 0
    with gzip.open(path, "rt") as f:
        for line in f:
            if line.startswith("#S "):
                z = int(line.split()[1])
                table[z] = []
            elif line.strip() and not line.startswith("#") and z:
                v = [float(x) for x in line.split()]
                if len(v) == 7:
                    table[z].append((v[0] * 1e-3, v[6]))  # (MeV, total cm2/g)
    return table


def xcom_mixture(table, comp, emin, emax):
    """Mixture-rule totals at the XCOM energies shared by all elements (edges skipped)."""
    points = []
    base = [e for e, _ in table[comp[0][0]]]
    for e in sorted(set(base)):
        if not (emin <= e <= emax):
            continue
        total, ok = 0.0, True
        for z, w in comp:
            vals = [t for (ee, t) in table[z] if abs(ee / e - 1) < 1e-9]
            if len(vals) != 1:  # absent, or an edge (listed twice): skip this energy
                ok = False
                break
            total += w * vals[0]
        if ok:
            points.append((e, total))
    return points


def estar_mixture(data_dir, comp):
    """Bragg-additivity ESTAR mass stopping powers: (energies, S_col, S_rad) in MeV cm2/g."""
    import h5py  # Debian python3-h5py; only needed for electron tables

    path = os.path.join(data_dir, "physics-data-sources", "openmc-misc",
                        "stopping_powers_estar.h5")
    with h5py.File(path, "r") as f:
        energy = list(f["energy"][:])
        col = [0.0] * len(energy)
        rad = [0.0] * len(energy)
        for z, w in comp:
            g = f[f"{z:03d}"]
            for i, (c, r) in enumerate(zip(g["s_collision"][:], g["s_radiative"][:])):
                col[i] += w * c
                rad[i] += w * r
    return energy, col, rad


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv")
    ap.add_argument("-o", "--output", required=True, help="PNG file to write")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--data-dir", default=os.environ.get(
        "GPUDOSE_DATA", os.path.join(here, "..", "..", "shared")))
    args = ap.parse_args()

    comments, rows = read_csv(args.csv)
    cols = list(rows[0].keys())
    e = [r["energy_MeV"] for r in rows]
    stopping = [c for c in cols if c.startswith("S_") and c.endswith("_MeV_cm2_per_g")]
    has_mu = "total_cm2_g" in cols
    panels = int(has_mu) + int(bool(stopping))
    if panels == 0:
        sys.exit("plot_physics: the CSV has neither total_cm2_g nor stopping-power columns")
    fig, axes = plt.subplots(1, panels, figsize=(7 * panels, 5), squeeze=False)
    title = comments[0] if comments else os.path.basename(args.csv)
    ax_i = 0
    if has_mu:
        ax = axes[0][ax_i]
        ax_i += 1
        for c, style in (("total_cm2_g", "k-"), ("coherent_cm2_g", "b:"),
                         ("incoherent_cm2_g", "g--"), ("photoelectric_cm2_g", "r-."),
                         ("pair_nuclear_cm2_g", "m:"), ("mu_en_cm2_g", "c-")):
            if c in cols:
                y = [r[c] for r in rows]
                pts = [(a, b) for a, b in zip(e, y) if b > 0]
                ax.plot([p[0] for p in pts], [p[1] for p in pts], style,
                        label=c.replace("_cm2_g", ""))
        comp = composition(comments)
        if comp:
            try:
                pts = xcom_mixture(read_xcom(args.data_dir), comp, min(e), max(e))
                ax.plot([p[0] for p in pts], [p[1] for p in pts], "ko", mfc="none",
                        label="NIST XCOM (mixture rule)")
            except OSError as err:
                print(f"plot_physics: no NIST points ({err})", file=sys.stderr)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("photon energy [MeV]")
        ax.set_ylabel("mu/rho [cm2/g]")
        ax.legend(fontsize=8)
        ax.grid(True, which="both", alpha=0.3)
    if stopping:
        ax = axes[0][ax_i]
        for c in stopping:
            ax.plot(e, [r[c] for r in rows], label=c.replace("_MeV_cm2_per_g", ""))
        comp = composition(comments)
        if comp:
            try:
                ee, col, rad = estar_mixture(args.data_dir, comp)
                keep = [i for i, x in enumerate(ee) if min(e) <= x <= max(e)][::6]
                ax.plot([ee[i] for i in keep], [col[i] for i in keep], "ks", mfc="none",
                        label="ESTAR S_col (Bragg additivity)")
                ax.plot([ee[i] for i in keep], [rad[i] for i in keep], "k^", mfc="none",
                        label="ESTAR S_rad (Bragg additivity)")
            except (OSError, ImportError, KeyError) as err:
                print(f"plot_physics: no ESTAR points ({err})", file=sys.stderr)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("kinetic energy [MeV]")
        ax.set_ylabel("mass stopping power [MeV cm2/g]")
        ax.legend(fontsize=8)
        ax.grid(True, which="both", alpha=0.3)
    fig.suptitle(title[:110], fontsize=9)
    fig.tight_layout()
    fig.savefig(args.output, dpi=110)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
