#!/usr/bin/python3
"""Independent photon Monte Carlo for the AF liver self-absorbed fraction (diagnostic).

A cross-check of gpudose's photon transport written from scratch, sharing with the engine only
the input data: the AF voxel phantom (gpudose's phantom cache, i.e. the ICRP 110 labels), the
ICRP 110 media (AF_media.dat, AF_organs.dat) and the ENDF/B-VIII.0 photo-atomic data in OpenMC's
HDF5 format. Nothing here is copied from the engine's code; physics (textbook forms):
- Woodcock (delta) tracking with one energy-dependent majorant over all media (Woodcock et al.,
  ANL-7050 (1965)); the majorant is the maximum of the tabulated rho*mu over media at every grid
  point, and the same linear interpolation bounds every medium's interpolated value.
- Rayleigh: d sigma/d mu ~ (1 + mu^2)/2 F_m^2(x), x = sin(theta/2) E/(hc) in 1/Angstrom, with the
  molecular F_m^2 = sum_i n_i F_i^2 (independent-atom approximation); x^2 drawn from F_m^2 by a
  numerical inverse cumulative, the Thomson factor by rejection.
- Compton: Klein-Nishina times S_m(x)/S_m,max (S_m = sum_i n_i S_i), drawn by plain rejection
  from a uniform cos(theta) (not the Butcher-Messel scheme the engine uses); the electron
  deposits E - E' locally (kerma: at <= 50 keV its range is << a voxel).
- Photoelectric: the whole energy is deposited locally (fluorescence of tissue elements is
  < 4 keV; ignoring it changes nothing measurable). Below the cut-off (--cutoff, 1 keV): local.
- Pair production (nuclear and electron field, --no-pair to drop it): E - 2 m c^2 deposited
  locally, two back-to-back isotropic 511 keV photons from the interaction point.
- --doppler (not in the engine): Doppler broadening of the Compton photon energy in the impulse
  approximation (Ribberfors, Phys. Rev. B 12 (1975) 2067): after the angle is drawn as above, a
  shell is drawn by its electron count, p_z from its Hartree-Fock Compton profile J(p_z) (the
  ENDF/OpenMC profiles), and E' solves p_z = (E E'(1 - cos) - m c^2 (E - E')) / (c |q|) with
  c|q| = sqrt(E^2 + E'^2 - 2 E E' cos); draws that leave the electron less than its binding
  energy are redrawn (5 tries, then free-electron E'); the same idea as Geant4's Livermore
  Compton model, written here from the formula.
Options switch Rayleigh off, Compton binding off (pure Klein-Nishina), add Doppler broadening or
scale one process, to measure sensitivities independently of the engine.

Usage: independent_liver_saf.py --phantom build-X/data/phantoms/AF.h5 --data ../shared
         [--energy 0.05] [--histories 1000000] [--batches 20] [--no-rayleigh] [--free-compton]
         [--doppler] [--no-pair] [--scale-pe F] [--scale-coh F] [--cutoff MeV] [--seed N]
"""
import argparse
import math
import time

import h5py
import numpy as np

SYMBOLS = ["H", "C", "N", "O", "Na", "Mg", "P", "S", "Cl", "K", "Ca", "Fe", "I"]
# Standard atomic weights (IUPAC 2013 conventional values).
ATOMIC_WEIGHT = {"H": 1.008, "C": 12.011, "N": 14.007, "O": 15.999, "Na": 22.990, "Mg": 24.305,
                 "P": 30.974, "S": 32.06, "Cl": 35.45, "K": 39.098, "Ca": 40.078, "Fe": 55.845,
                 "I": 126.90}
AVOGADRO = 6.02214076e23
BARN = 1e-24
HC_EV_ANGSTROM = 12398.419843320026
ME_EV = 510998.95
LIVER_ID = 95


def read_media(path):
    media = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts or not parts[0].isdigit():
                continue
            fr = [float(v) for v in parts[-13:]]
            media[int(parts[0])] = np.array(fr) / sum(fr)
    return media


def read_organs(path):
    organs = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 4 and parts[0].isdigit():
                organs[int(parts[0])] = (int(parts[-2]), float(parts[-1]))
    return organs


def load_element(data_dir, sym):
    f = h5py.File(f"{data_dir}/physics-data-sources/openmc-endfb80-photon/{sym}.h5", "r")
    g = f[sym]
    e = g["energy"][()]
    el = {"e": e}
    for proc, key in (("coh", "coherent/xs"), ("inc", "incoherent/xs"),
                      ("pe", "photoelectric/xs"), ("pn", "pair_production_nuclear/xs"),
                      ("pel", "pair_production_electron/xs")):
        xs = np.zeros_like(e)
        ds = g[key]
        start = ds.attrs.get("threshold_idx", 0)
        xs[start:start + ds.shape[0]] = ds[()]
        el[proc] = xs
    el["F"] = g["coherent/scattering_factor"][()]
    el["S"] = g["incoherent/scattering_factor"][()]
    cp = g["compton_profiles"]
    el["pz"] = cp["pz"][()]  # atomic units of momentum, p_z >= 0 (J is even)
    el["J"] = cp["J"][()]
    el["B"] = cp["binding_energy"][()]  # eV
    el["ne"] = cp["num_electrons"][()]
    return el


def loglog(x, xp, fp):
    fp = np.where(fp > 0, fp, 1e-300)
    return np.exp(np.interp(np.log(x), np.log(xp), np.log(fp)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--phantom", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--energy", type=float, default=0.05, help="MeV")
    ap.add_argument("--histories", type=int, default=1000000)
    ap.add_argument("--batches", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-rayleigh", action="store_true")
    ap.add_argument("--free-compton", action="store_true", help="S(x) = Z (Klein-Nishina)")
    ap.add_argument("--scale-pe", type=float, default=1.0, help="scale photoelectric xs")
    ap.add_argument("--scale-coh", type=float, default=1.0, help="scale Rayleigh xs")
    ap.add_argument("--cutoff", type=float, default=1e-3, help="photon cut-off (MeV)")
    ap.add_argument("--doppler", action="store_true", help="Doppler-broadened Compton energy")
    ap.add_argument("--no-pair", action="store_true", help="no pair production")
    args = ap.parse_args()

    ph = h5py.File(args.phantom, "r")
    labels = ph["labels"][()]  # (z, y, x)
    label_organ = ph["label_organ_id"][()]
    spacing = np.array(ph.attrs["spacing_cm"], dtype=float)  # x, y, z
    nz, ny, nx = labels.shape
    base = f"{args.data}/phantoms/geant4_ICRP110_ICRPdata/ICRPdata/ICRP110_g4dat/P110_data_V1.2/AF"
    media = read_media(f"{base}/AF_media.dat")
    organs = read_organs(f"{base}/AF_organs.dat")
    organs[0] = (53, 0.0012)  # air around the body
    organs[141] = (27, 1.09)  # extra skin on the first and last slices (as OpenDose)
    nlab = len(label_organ)
    lab_med = np.array([organs[int(o)][0] for o in label_organ])
    lab_rho = np.array([organs[int(o)][1] for o in label_organ])
    used = sorted(set(lab_med.tolist()))
    med_index = {m: i for i, m in enumerate(used)}
    lab_m = np.array([med_index[m] for m in lab_med])
    liver_labels = [i for i, o in enumerate(label_organ) if o == LIVER_ID]
    assert len(liver_labels) == 1
    liver = liver_labels[0]

    els = {s: load_element(args.data, s) for s in SYMBOLS}
    # Atoms per gram of each element in each medium.
    n_atoms = np.array([[media[m][k] * AVOGADRO / ATOMIC_WEIGHT[s] for k, s in enumerate(SYMBOLS)]
                        for m in used])
    e0 = args.energy * 1e6
    egrid = np.exp(np.linspace(np.log(900.0), np.log(e0 * 1.0001), 6000))
    nm = len(used)
    mu = {p: np.zeros((nm, egrid.size)) for p in ("coh", "inc", "pe", "pn", "pel")}
    for k, s in enumerate(SYMBOLS):
        for p in mu:
            sig = loglog(egrid, els[s]["e"], els[s][p]) * BARN
            mu[p] += n_atoms[:, k:k + 1] * sig[None, :]
    mu["coh"] *= 0.0 if args.no_rayleigh else args.scale_coh
    mu["pe"] *= args.scale_pe
    mu["pair"] = 0.0 if args.no_pair else mu["pn"] + mu["pel"]  # nuclear + electron field
    mu_tot = mu["coh"] + mu["inc"] + mu["pe"] + mu["pair"]  # cm^2/g
    liver_m = lab_m[liver]
    i50 = egrid.size - 1
    print(f"liver medium {lab_med[liver]} rho {lab_rho[liver]}: mu/rho at {e0/1e3:g} keV "
          f"coh {mu['coh'][liver_m, i50]:.5f} inc {mu['inc'][liver_m, i50]:.5f} "
          f"pe {mu['pe'][liver_m, i50]:.5f} total {mu_tot[liver_m, i50]:.5f} cm2/g")
    # Majorant over the media actually present, with their densities.
    rho_mu_lab = lab_rho[:, None] * mu_tot[lab_m]
    majorant = rho_mu_lab.max(axis=0)
    lg0, dlg = math.log(egrid[0]), math.log(egrid[1]) - math.log(egrid[0])

    def grid_pos(e):
        t = (np.log(e) - lg0) / dlg
        i = np.clip(t.astype(np.int64), 0, egrid.size - 2)
        return i, np.clip(t - i, 0.0, 1.0)

    # Molecular form factor squared and scattering function per medium on an x grid.
    xg = np.concatenate([[0.0], np.exp(np.linspace(np.log(1e-4), np.log(20.0), 8000))])
    f2 = np.zeros((nm, xg.size))
    smol = np.zeros((nm, xg.size))
    for k, s in enumerate(SYMBOLS):
        F = np.interp(xg, els[s]["F"][0], els[s]["F"][1])
        S = np.interp(xg, els[s]["S"][0], els[s]["S"][1])
        f2 += n_atoms[:, k:k + 1] * F[None, :] ** 2
        smol += n_atoms[:, k:k + 1] * S[None, :]
    if args.free_compton:
        smol = np.repeat(smol[:, -1:], xg.size, axis=1)  # S -> Z (x -> infinity)
    x2g = xg ** 2
    # Cumulative of F^2 in x^2 (trapezoid).
    cdf = np.concatenate([np.zeros((nm, 1)),
                          np.cumsum(0.5 * (f2[:, 1:] + f2[:, :-1]) * np.diff(x2g)[None, :],
                                    axis=1)], axis=1)
    smax = smol.max(axis=1)

    # Doppler broadening: every shell of every element, weighted per medium by atoms x electrons,
    # with the inverse cumulative of |p_z| (J even) on a common probability grid.
    ugrid = np.linspace(0.0, 1.0, 2001)
    shell_b, shell_inv, shell_w = [], [], []
    for k, s in enumerate(SYMBOLS):
        el = els[s]
        pzf = np.linspace(0.0, el["pz"][-1], 20001)
        for j in range(el["B"].size):
            jj = np.interp(pzf, el["pz"], el["J"][j])
            c = np.concatenate([[0.0], np.cumsum(0.5 * (jj[1:] + jj[:-1]) * np.diff(pzf))])
            c /= c[-1]
            keep = np.concatenate([[True], np.diff(c) > 0])
            shell_inv.append(np.interp(ugrid, c[keep], pzf[keep]) / 137.035999)  # in m c
            shell_b.append(el["B"][j])
            shell_w.append(n_atoms[:, k] * el["ne"][j])
    shell_b = np.array(shell_b)
    shell_inv = np.array(shell_inv)
    shell_cum = np.cumsum(np.array(shell_w).T, axis=1)  # (media, shells)
    shell_cum /= shell_cum[:, -1:]

    def doppler_energy(e_in, cth, med):
        """Compton photon energy with Doppler broadening (energies in eV)."""
        a = e_in / ME_EV
        out = a / (1 + a * (1 - cth))  # free electron, the fall-back
        todo = np.arange(e_in.size)
        for _ in range(5):
            if not todo.size:
                break
            shell = np.empty(todo.size, dtype=np.int64)
            for mm in np.unique(med[todo]):
                sel = med[todo] == mm
                shell[sel] = np.searchsorted(shell_cum[mm], rng.random(sel.sum()), side="right")
            shell = np.minimum(shell, shell_b.size - 1)
            u = rng.random(todo.size) * (ugrid.size - 1)
            iu = np.minimum(u.astype(np.int64), ugrid.size - 2)
            fu = u - iu
            pz = shell_inv[shell, iu] * (1 - fu) + shell_inv[shell, iu + 1] * fu
            pz *= np.where(rng.random(todo.size) < 0.5, -1.0, 1.0)
            aa, c = a[todo], cth[todo]
            b = 1 + aa * (1 - c)
            p2 = pz * pz
            qa = b * b - p2
            qb = b - p2 * c
            disc = qb * qb - qa * (1 - p2)
            ok = (disc >= 0) & (qa > 0)
            r = np.sqrt(np.maximum(disc, 0.0))
            # The root with sign(b x - a) = sign(p_z) (the squaring added the other one).
            x1 = aa * (qb - r) / np.where(qa > 0, qa, 1)
            x2 = aa * (qb + r) / np.where(qa > 0, qa, 1)
            x = np.where(np.sign(b * x2 - aa) == np.sign(pz), x2, x1)
            ok &= (x > 0) & ((aa - x) * ME_EV > shell_b[shell])
            out[todo[ok]] = x[ok]
            todo = todo[~ok]
        return out * ME_EV

    rng = np.random.default_rng(args.seed)
    n_b = args.histories // args.batches
    results = []
    esc_total = 0.0
    t0 = time.time()
    for b in range(args.batches):
        tally = np.zeros(nlab)
        escaped = 0.0
        # Source: uniform in liver voxels (one medium and density: volume = mass uniform).
        vox = np.argwhere(labels == liver)  # (z, y, x)
        pick = vox[rng.integers(0, len(vox), n_b)]
        pos = np.empty((n_b, 3))
        pos[:, 0] = (pick[:, 2] + rng.random(n_b)) * spacing[0]
        pos[:, 1] = (pick[:, 1] + rng.random(n_b)) * spacing[1]
        pos[:, 2] = (pick[:, 0] + rng.random(n_b)) * spacing[2]
        cz = 2 * rng.random(n_b) - 1
        phi = 2 * math.pi * rng.random(n_b)
        sz = np.sqrt(1 - cz * cz)
        d = np.stack([sz * np.cos(phi), sz * np.sin(phi), cz], axis=1)
        e = np.full(n_b, e0)
        box = np.array([nx, ny, nz]) * spacing
        while e.size:
            i, w = grid_pos(e)
            maj = majorant[i] * (1 - w) + majorant[i + 1] * w
            s = -np.log1p(-rng.random(e.size)) / maj
            pos += s[:, None] * d
            out = np.any((pos < 0) | (pos >= box), axis=1)
            escaped += e[out].sum()
            keep = ~out
            pos, d, e, i, w, maj = pos[keep], d[keep], e[keep], i[keep], w[keep], maj[keep]
            ix = np.minimum((pos[:, 0] / spacing[0]).astype(np.int64), nx - 1)
            iy = np.minimum((pos[:, 1] / spacing[1]).astype(np.int64), ny - 1)
            iz = np.minimum((pos[:, 2] / spacing[2]).astype(np.int64), nz - 1)
            lab = labels[iz, iy, ix]
            m = lab_m[lab]
            rho = lab_rho[lab]
            cc = (mu["coh"][m, i] * (1 - w) + mu["coh"][m, i + 1] * w) * rho
            ci = (mu["inc"][m, i] * (1 - w) + mu["inc"][m, i + 1] * w) * rho
            cp = (mu["pe"][m, i] * (1 - w) + mu["pe"][m, i + 1] * w) * rho
            r = rng.random(e.size) * maj
            is_coh = r < cc
            is_inc = (r >= cc) & (r < cc + ci)
            is_pe = (r >= cc + ci) & (r < cc + ci + cp)
            # Rayleigh.
            idx = np.nonzero(is_coh)[0]
            if idx.size:
                mu_c = np.empty(idx.size)
                todo = np.arange(idx.size)
                while todo.size:
                    k = idx[todo]
                    x2max = (e[k] / HC_EV_ANGSTROM) ** 2
                    x2 = np.empty(todo.size)
                    for mm in np.unique(m[k]):
                        sel = m[k] == mm
                        cmax = np.interp(x2max[sel], x2g, cdf[mm])
                        x2[sel] = np.interp(rng.random(sel.sum()) * cmax, cdf[mm], x2g)
                    cth = np.clip(1 - 2 * x2 / x2max, -1, 1)
                    ok = 2 * rng.random(todo.size) <= 1 + cth * cth
                    mu_c[todo[ok]] = cth[ok]
                    todo = todo[~ok]
                d[idx] = rotate(d[idx], mu_c, rng)
            # Compton.
            idx = np.nonzero(is_inc)[0]
            if idx.size:
                mu_c = np.empty(idx.size)
                todo = np.arange(idx.size)
                while todo.size:
                    k = idx[todo]
                    kk = e[k] / ME_EV
                    cth = 2 * rng.random(todo.size) - 1
                    eps = 1 / (1 + kk * (1 - cth))
                    kn = eps * eps * (eps + 1 / eps - (1 - cth * cth)) / 2  # <= 1, = 1 at mu = 1
                    x = e[k] / HC_EV_ANGSTROM * np.sqrt(0.5 * (1 - cth))
                    sx = np.empty(todo.size)
                    for mm in np.unique(m[k]):
                        sel = m[k] == mm
                        sx[sel] = np.interp(x[sel], xg, smol[mm]) / smax[mm]
                    ok = rng.random(todo.size) <= kn * sx
                    mu_c[todo[ok]] = cth[ok]
                    todo = todo[~ok]
                kk = e[idx] / ME_EV
                if args.doppler:
                    e_out = doppler_energy(e[idx], mu_c, m[idx])
                else:
                    e_out = e[idx] / (1 + kk * (1 - mu_c))
                np.add.at(tally, lab[idx], e[idx] - e_out)
                e[idx] = e_out
                d[idx] = rotate(d[idx], mu_c, rng)
            # Photoelectric: all local.
            np.add.at(tally, lab[is_pe], e[is_pe])
            # Pair (nuclear and electron field, kerma): E - 2 m c^2 local, two 511 keV photons
            # back to back, isotropic, from the interaction point (annihilation at rest).
            is_pair = r >= cc + ci + cp
            if args.no_pair:
                is_pair[:] = False
            else:
                is_pair &= r < cc + ci + cp + (mu["pair"][m, i] * (1 - w) +
                                               mu["pair"][m, i + 1] * w) * rho
            np.add.at(tally, lab[is_pair], e[is_pair] - 2 * ME_EV)
            low = (e < args.cutoff * 1e6) & ~is_pe & ~is_pair
            np.add.at(tally, lab[low], e[low])
            npair = int(is_pair.sum())
            new_pos = np.repeat(pos[is_pair], 2, axis=0)
            cz = 2 * rng.random(npair) - 1
            phi = 2 * math.pi * rng.random(npair)
            sz = np.sqrt(1 - cz * cz)
            d1 = np.stack([sz * np.cos(phi), sz * np.sin(phi), cz], axis=1)
            new_d = np.empty((2 * npair, 3))
            new_d[0::2], new_d[1::2] = d1, -d1
            keep = ~(is_pe | low | is_pair)
            pos = np.concatenate([pos[keep], new_pos])
            d = np.concatenate([d[keep], new_d])
            e = np.concatenate([e[keep], np.full(2 * npair, ME_EV)])
        results.append(tally[liver] / (n_b * e0))
        esc_total += escaped / (n_b * e0)
        print(f"batch {b}: liver AF {results[-1]:.5f}  ({time.time() - t0:.0f} s)", flush=True)
    r = np.array(results)
    mean, sem = r.mean(), r.std(ddof=1) / math.sqrt(r.size)
    mass_kg = (labels == liver).sum() * spacing.prod() * lab_rho[liver] / 1000
    print(f"liver mass {mass_kg:.4f} kg; histories {n_b * args.batches}")
    print(f"liver self AF {mean:.5f} +- {sem:.5f} (rel {sem / mean * 100:.2f} %), "
          f"SAF {mean / mass_kg:.5f} 1/kg; escaped {esc_total / args.batches:.4f}")


def rotate(d, cth, rng):
    """Turn unit vectors d by polar cosine cth and a uniform azimuth."""
    phi = 2 * math.pi * rng.random(cth.size)
    sth = np.sqrt(np.maximum(0.0, 1 - cth * cth))
    cp, sp = np.cos(phi), np.sin(phi)
    u, v, w = d[:, 0], d[:, 1], d[:, 2]
    out = np.empty_like(d)
    big = np.abs(w) > 0.99999
    a = np.sqrt(np.maximum(1e-300, 1 - w * w))
    out[:, 0] = np.where(big, sth * cp, u * cth + sth * (u * w * cp - v * sp) / a)
    out[:, 1] = np.where(big, sth * sp, v * cth + sth * (v * w * cp + u * sp) / a)
    out[:, 2] = np.where(big, np.sign(w) * cth, w * cth - sth * cp * a)
    return out / np.linalg.norm(out, axis=1)[:, None]


if __name__ == "__main__":
    main()
