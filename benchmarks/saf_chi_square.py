#!/usr/bin/env python3
"""Chi-square of two independent `gpudose run` results (JSON, -o FILE.json) over their targets.

    benchmarks/saf_chi_square.py A.json B.json [--min-rel-unc-below 0.5]

For every target both runs scored (absorbed fraction > 0 in both, relative uncertainty below
the threshold in both), adds (AF_a - AF_b)^2 / (s_a^2 + s_b^2) with s = AF x rel_unc (1 sigma).
Two runs of the same physics with different seeds give chi2 ~ dof; a systematic difference
larger than the statistics pushes it up. Prints chi2, dof, chi2/dof, the Wilson-Hilferty z score
(about N(0,1) under the null) and the largest contributions. Exit status 0 always (a reading,
not a verdict); used for the single- vs double-precision photon build (benchmarks/RESULTS.md).
"""

import argparse
import json
import math


def load(path):
    with open(path) as f:
        d = json.load(f)
    return d, {t["name"]: t for t in d["targets"]}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--min-rel-unc-below", type=float, default=0.5,
                   help="use targets whose relative uncertainty is below this in both runs")
    args = p.parse_args()
    da, ta = load(args.a)
    db, tb = load(args.b)
    terms = []
    for name, x in ta.items():
        y = tb.get(name)
        if y is None or x["af"] <= 0 or y["af"] <= 0:
            continue
        if x["rel_unc"] >= args.min_rel_unc_below or y["rel_unc"] >= args.min_rel_unc_below:
            continue
        sa, sb = x["af"] * x["rel_unc"], y["af"] * y["rel_unc"]
        terms.append(((x["af"] - y["af"]) ** 2 / (sa * sa + sb * sb), name, x["af"], y["af"],
                      math.sqrt(sa * sa + sb * sb)))
    k = len(terms)
    chi2 = sum(t[0] for t in terms)
    print(f"A: {args.a} ({da['particle']} {da['energy_mev']} MeV, {da['histories']} histories, "
          f"seed {da['seed']})")
    print(f"B: {args.b} ({db['particle']} {db['energy_mev']} MeV, {db['histories']} histories, "
          f"seed {db['seed']})")
    if k == 0:
        print("no target scored in both runs")
        return
    z = ((chi2 / k) ** (1 / 3) - (1 - 2 / (9 * k))) / math.sqrt(2 / (9 * k))
    print(f"chi2 {chi2:.2f} over {k} targets: chi2/dof {chi2 / k:.3f}, Wilson-Hilferty z {z:+.2f}")
    for c, name, a, b, s in sorted(terms, reverse=True)[:5]:
        print(f"  {name}: AF {a:.6g} vs {b:.6g} ({(a - b) / s:+.2f} sigma)")


if __name__ == "__main__":
    main()
