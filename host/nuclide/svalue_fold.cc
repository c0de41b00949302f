#include "host/nuclide/svalue_fold.hh"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "host/foundation/text_format.hh"
#include "host/foundation/user_error.hh"

namespace gpudose {
namespace {

constexpr int kPhotonGroup = 0, kBetaGroup = 1, kIcAugerGroup = 2;

// Radiation weighting factor for local deposits (alpha, recoil, fission fragments): ICRP
// Publication 103 (2007), Table 2: 20 for alpha particles, fission fragments and heavy ions.
double local_weight_factor(Weighting w) { return w == Weighting::icrp103 ? 20.0 : 1.0; }

int sign(double v) { return (v > 0) - (v < 0); }

// "gamma line", "IE line", ... for errors, made once.
const char* line_label(EmissionKind kind) {
  static const std::vector<std::string> labels = [] {
    std::vector<std::string> l;
    for (EmissionKind k : all_emission_kinds())
      l.push_back(std::string(emission_kind_key(k)) + " line");
    return l;
  }();
  return labels[static_cast<std::size_t>(kind)].c_str();
}

void validate_grid(const std::vector<double>& grid, FoldParticle p) {
  for (std::size_t k = 0; k < grid.size(); ++k) {
    if (!std::isfinite(grid[k]) || grid[k] <= 0 || (k > 0 && !(grid[k] > grid[k - 1]))) {
      throw UserError(std::string("bad ") + particle_name(p) + " SAF table",
                      "energy " + std::to_string(k + 1) + " (" + format_g(grid[k]) +
                          " MeV) is not positive and above the one before",
                      "energies of a table must be strictly ascending and > 0");
    }
  }
}

const std::vector<double>& grid_of(const FoldKernel& k, FoldParticle p) {
  return p == FoldParticle::photon ? k.photon_grid : k.electron_grid;
}

const SafTable& table_of(const FoldTables& t, FoldParticle p) {
  return p == FoldParticle::photon ? t.photon : t.electron;
}

// Cubic Hermite basis on the unit interval.
struct Hermite {
  double h00, h10, h01, h11;
  explicit Hermite(double t) {
    const double t2 = t * t, t3 = t2 * t;
    h00 = 2 * t3 - 3 * t2 + 1;
    h10 = t3 - 2 * t2 + t;
    h01 = -2 * t3 + 3 * t2;
    h11 = t3 - t2;
  }
};

}  // namespace

const char* particle_name(FoldParticle p) {
  return p == FoldParticle::photon ? "photon" : "electron";
}
const char* interpolation_name(Interpolation i) {
  return i == Interpolation::linear ? "linear" : "pchip";
}
const char* weighting_name(Weighting w) { return w == Weighting::none ? "none" : "icrp103"; }
const char* radiation_group_name(RadiationGroup g) {
  switch (g) {
    case RadiationGroup::photon:
      return "photon";
    case RadiationGroup::beta:
      return "beta";
    case RadiationGroup::ic_auger:
      return "ic_auger";
    case RadiationGroup::alpha_local:
      return "alpha";
  }
  return "?";
}

Interpolation parse_interpolation(const std::string& text) {
  if (text == "linear") return Interpolation::linear;
  if (text == "pchip") return Interpolation::pchip;
  throw UserError("unknown interpolation '" + text + "'", "accepted: 'linear' or 'pchip'",
                  "pass --interpolation linear (ICRP 133) or pchip");
}

Weighting parse_weighting(const std::string& text) {
  if (text == "none") return Weighting::none;
  if (text == "icrp103") return Weighting::icrp103;
  throw UserError("unknown weighting '" + text + "'", "accepted: 'none' or 'icrp103'",
                  "pass --weighting none or icrp103");
}

// Monotone piecewise cubic Hermite interpolation (PCHIP): F. N. Fritsch and R. E. Carlson,
// "Monotone piecewise cubic interpolation", SIAM J. Numer. Anal. 17 (1980) 238-246, with the
// interior slopes of F. N. Fritsch and J. Butland, SIAM J. Sci. Stat. Comput. 5 (1984) 300-304
// (weighted harmonic mean of the neighbouring secants, 0 at a local extremum) and the
// shape-preserving three-point end slopes of C. Moler, Numerical Computing with MATLAB (2004),
// section 3.4: the same interpolant as MATLAB's pchip and SciPy's PchipInterpolator. The
// Jacobian is the exact derivative of each branch (the limiters are piecewise constant, so it
// is exact away from their switching points, where PCHIP is not differentiable).
PchipSlopes pchip_slopes(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  PchipSlopes s;
  s.d.assign(n, 0.0);
  s.first.assign(n, 0);
  s.jacobian.assign(n, {0.0, 0.0, 0.0});
  if (n < 2) return s;
  std::vector<double> h(n - 1), delta(n - 1);
  for (std::size_t k = 0; k + 1 < n; ++k) {
    h[k] = x[k + 1] - x[k];
    delta[k] = (y[k + 1] - y[k]) / h[k];
  }
  if (n == 2) {  // a straight line
    for (std::size_t k = 0; k < 2; ++k) {
      s.d[k] = delta[0];
      s.jacobian[k] = {-1 / h[0], 1 / h[0], 0.0};
    }
    return s;
  }
  for (std::size_t k = 1; k + 1 < n; ++k) {
    s.first[k] = static_cast<int>(k) - 1;
    const double a = delta[k - 1], b = delta[k];
    if (sign(a) != sign(b) || a == 0 || b == 0) continue;  // extremum or flat: slope 0
    const double w1 = 2 * h[k] + h[k - 1], w2 = h[k] + 2 * h[k - 1];
    const double d = (w1 + w2) / (w1 / a + w2 / b);
    const double da = d * d * w1 / ((w1 + w2) * a * a);  // dd/da
    const double db = d * d * w2 / ((w1 + w2) * b * b);  // dd/db
    s.d[k] = d;
    s.jacobian[k] = {-da / h[k - 1], da / h[k - 1] - db / h[k], db / h[k]};
  }
  // End slope from the two nearest secants m0 (adjacent) and m1, widths h0, h1. Returns the
  // derivatives with respect to m0 and m1.
  const auto end_slope = [](double h0, double h1, double m0, double m1, double* dm0, double* dm1) {
    const double alpha = (2 * h0 + h1) / (h0 + h1), beta = h0 / (h0 + h1);
    const double d = alpha * m0 - beta * m1;
    *dm0 = alpha;
    *dm1 = -beta;
    if (sign(d) != sign(m0)) {
      *dm0 = *dm1 = 0;
      return 0.0;
    }
    if (sign(m0) != sign(m1) && std::abs(d) > 3 * std::abs(m0)) {
      *dm0 = 3;
      *dm1 = 0;
      return 3 * m0;
    }
    return d;
  };
  double dm0, dm1;
  s.d[0] = end_slope(h[0], h[1], delta[0], delta[1], &dm0, &dm1);
  s.first[0] = 0;  // m0 = (y1 - y0)/h0, m1 = (y2 - y1)/h1
  s.jacobian[0] = {-dm0 / h[0], dm0 / h[0] - dm1 / h[1], dm1 / h[1]};
  const std::size_t e = n - 1;
  s.d[e] = end_slope(h[e - 1], h[e - 2], delta[e - 1], delta[e - 2], &dm0, &dm1);
  s.first[e] = static_cast<int>(e) - 2;  // m1 = (y[e-1] - y[e-2])/h1, m0 = (y[e] - y[e-1])/h0
  s.jacobian[e] = {-dm1 / h[e - 2], dm1 / h[e - 2] - dm0 / h[e - 1], dm0 / h[e - 1]};
  return s;
}

double pchip_value(const std::vector<double>& x, const std::vector<double>& y, double e) {
  if (x.size() == 1 || e <= x.front()) return y.front();
  const PchipSlopes s = pchip_slopes(x, y);
  std::size_t j = static_cast<std::size_t>(std::lower_bound(x.begin(), x.end(), e) - x.begin());
  j = std::min(j, x.size() - 1);
  const std::size_t k = j - 1;
  const double h = x[j] - x[k];
  const Hermite b((e - x[k]) / h);
  return b.h00 * y[k] + b.h10 * h * s.d[k] + b.h01 * y[j] + b.h11 * h * s.d[j];
}

FoldKernel prepare_fold(const NuclideEmissions& nuclide, const std::vector<double>& photon_grid,
                        const std::vector<double>& electron_grid, const FoldOptions& options) {
  validate_grid(photon_grid, FoldParticle::photon);
  validate_grid(electron_grid, FoldParticle::electron);
  FoldKernel k;
  k.nuclide = nuclide.name;
  k.options = options;
  k.photon_grid = photon_grid;
  k.electron_grid = electron_grid;
  k.groups[kPhotonGroup].particle = FoldParticle::photon;
  k.groups[kBetaGroup].particle = FoldParticle::electron;
  k.groups[kIcAugerGroup].particle = FoldParticle::electron;
  for (auto& g : k.groups) {
    const std::size_t n = grid_of(k, g.particle).size();
    g.linear.assign(n, 0.0);
    for (auto* v : {&g.a, &g.b, &g.c, &g.d}) v->assign(n > 0 ? n - 1 : 0, 0.0);
  }
  double below_photon = 0, below_electron = 0;

  // One emission (energy e, mev = yield x E per decay) onto its group's table.
  // `what` names the emission in errors only (a kind key, or the beta spectrum's description).
  const auto add = [&](int group, double e, double mev, const char* what) {
    if (!(mev > 0)) return;  // carries no energy: neither folded nor checked against the grid
    k.emitted_mev[static_cast<std::size_t>(group)] += mev;
    FoldKernel::Group& g = k.groups[static_cast<std::size_t>(group)];
    const std::vector<double>& grid = grid_of(k, g.particle);
    if (grid.empty()) {
      const std::string particle = particle_name(g.particle);
      throw UserError("cannot fold " + nuclide.name + " with this SAF table",
                      std::string("it emits ") + (group == kBetaGroup ? "beta particles" : what) +
                          " and the table has no " + particle + " SAFs",
                      "use a table with " + particle + " SAFs for this source");
    }
    const double top = grid.back();
    if (e > top * (1 + 1e-9)) {
      const std::string particle = particle_name(g.particle);
      throw UserError("cannot fold " + nuclide.name + " with this SAF table",
                      std::string("its ") + what + " at " + format_g(e) + " MeV is above the " +
                          particle + " table, which spans " + format_g(grid.front()) + " to " +
                          format_g(top) + " MeV",
                      "use a table whose " + particle + " energies reach " + format_g(e) + " MeV");
    }
    e = std::min(e, top);
    const double joule = mev * kJoulePerMeV;
    if (e <= grid.front()) {
      // Linear towards the E = 0 limit (full local absorption), in both schemes.
      const double u = e / grid.front();
      g.below_first += joule * u;
      g.zero_limit += joule * (1 - u);
      if (e < grid.front())
        (g.particle == FoldParticle::photon ? below_photon : below_electron) += mev;
      return;
    }
    const std::size_t j =
        static_cast<std::size_t>(std::lower_bound(grid.begin(), grid.end(), e) - grid.begin());
    const std::size_t i = j - 1;
    const double h = grid[j] - grid[i];
    const double t = (e - grid[i]) / h;
    g.linear[i] += joule * (1 - t);
    g.linear[j] += joule * t;
    const Hermite b(t);
    g.a[i] += joule * b.h00;
    g.b[i] += joule * h * b.h10;
    g.c[i] += joule * b.h01;
    g.d[i] += joule * h * b.h11;
  };

  const double w_local = local_weight_factor(options.weighting);
  for (const DiscreteLine& l : nuclide.lines) {
    const double mev = l.yield * l.energy_mev;
    k.line_mev[static_cast<std::size_t>(l.kind)] += mev;
    const char* what = line_label(l.kind);
    switch (l.kind) {
      case EmissionKind::gamma:
      case EmissionKind::x_ray:
      case EmissionKind::annihilation:
        add(kPhotonGroup, l.energy_mev, mev, what);
        break;
      case EmissionKind::ic_electron:
      case EmissionKind::auger:
        add(kIcAugerGroup, l.energy_mev, mev, what);
        break;
      case EmissionKind::alpha:
      case EmissionKind::alpha_recoil:
      case EmissionKind::fission:
        k.emitted_mev[static_cast<std::size_t>(RadiationGroup::alpha_local)] += mev;
        k.local += mev * kJoulePerMeV * w_local;
        break;
      case EmissionKind::neutron:
        k.excluded_neutron_mev += mev;
        break;
      case EmissionKind::beta_minus_mean:
      case EmissionKind::beta_plus_mean:
      case EmissionKind::betaD_mean:
        break;  // informative: the spectrum carries these particles
    }
  }
  // The beta spectrum: trapezoid over its own nodes, node i standing for w_i x E_i x dN/dE_i
  // MeV per decay; not renormalised to the branch yields (ICRP 133 recipe).
  const auto& spectrum = nuclide.beta_spectrum;
  const std::vector<double> w = trapezoid_weights(spectrum);
  const std::string beta_what =
      spectrum.empty()
          ? ""
          : "beta spectrum (end point " + format_g(spectrum.back().first) + " MeV) node";
  for (std::size_t i = 0; i < spectrum.size(); ++i) {
    const double mev = w[i] * spectrum[i].first * spectrum[i].second;
    k.beta_spectrum_mev += mev;
    add(kBetaGroup, spectrum[i].first, mev, beta_what.c_str());
  }

  double total = 0;
  for (double e : k.emitted_mev) total += e;
  if (!(total > 0)) {
    throw UserError("nothing to fold for " + nuclide.name,
                    "it emits no photon, electron or alpha energy; neutrons (" +
                        format_g(k.excluded_neutron_mev) +
                        " MeV per decay) are left out of S values",
                    "choose a nuclide with photon, electron or alpha emissions");
  }
  k.below_grid_fraction_photon = below_photon / total;
  k.below_grid_fraction_electron = below_electron / total;
  return k;
}

LinearFold linear_coefficients(const FoldKernel& kernel) {
  LinearFold f;
  f.photon.assign(kernel.photon_grid.size(), 0.0);
  f.electron.assign(kernel.electron_grid.size(), 0.0);
  f.local_and_zero_limit = kernel.local;
  for (const auto& g : kernel.groups) {
    auto& c = g.particle == FoldParticle::photon ? f.photon : f.electron;
    for (std::size_t i = 0; i < g.linear.size(); ++i) c[i] += g.linear[i];
    if (!c.empty()) c[0] += g.below_first;
    f.local_and_zero_limit += g.zero_limit;
  }
  return f;
}

PreparedTables prepare_tables(const FoldTables& tables) {
  const std::size_t nt = tables.targets.size();
  for (const auto& t : tables.targets) {
    if (!std::isfinite(t.mass_kg) || t.mass_kg <= 0) {
      throw UserError("bad target '" + t.name + "'", "mass " + format_g(t.mass_kg) + " kg",
                      "every target needs a positive mass");
    }
  }
  PreparedTables out;
  out.targets = tables.targets;
  out.photon_grid = tables.photon.energies_mev;
  out.electron_grid = tables.electron.energies_mev;
  for (FoldParticle p : {FoldParticle::photon, FoldParticle::electron}) {
    const SafTable& table = table_of(tables, p);
    validate_grid(table.energies_mev, p);
    const std::size_t nk = table.energies_mev.size();
    const std::string what = std::string("bad ") + particle_name(p) + " SAF table";
    if (table.saf.size() != nk || table.variance.size() != nk) {
      throw UserError(what,
                      std::to_string(nk) + " energies but " + std::to_string(table.saf.size()) +
                          " SAF and " + std::to_string(table.variance.size()) + " variance rows",
                      "give one row of SAFs and variances per energy");
    }
    for (std::size_t k = 0; k < nk; ++k) {
      if (table.saf[k].size() != nt || table.variance[k].size() != nt) {
        throw UserError(what,
                        "row " + std::to_string(k + 1) + " has " +
                            std::to_string(table.saf[k].size()) + " SAFs and " +
                            std::to_string(table.variance[k].size()) + " variances for " +
                            std::to_string(nt) + " targets",
                        "give one SAF and variance per target");
      }
      for (std::size_t t = 0; t < nt; ++t) {
        const double sv = table.saf[k][t], v = table.variance[k][t];
        if (!std::isfinite(sv) || !std::isfinite(v) || v < 0) {
          throw UserError(what,
                          "entry (" + format_g(table.energies_mev[k]) + " MeV, " +
                              tables.targets[t].name + ") has SAF " + format_g(sv) +
                              " and variance " + format_g(v),
                          "SAFs must be finite and variances finite and >= 0");
        }
      }
    }
    if (nk == 0) continue;
    auto& columns = p == FoldParticle::photon ? out.photon : out.electron;
    columns.resize(nt);
    for (std::size_t t = 0; t < nt; ++t) {
      PreparedTables::Column& c = columns[t];
      c.saf.resize(nk);
      c.variance.resize(nk);
      for (std::size_t k = 0; k < nk; ++k) {
        c.saf[k] = table.saf[k][t];
        c.variance[k] = table.variance[k][t];
      }
      PchipSlopes slopes = pchip_slopes(table.energies_mev, c.saf);
      c.slope = std::move(slopes.d);
      c.slope_first = std::move(slopes.first);
      c.slope_jacobian = std::move(slopes.jacobian);
    }
  }
  return out;
}

NuclideSValues apply_fold(const FoldKernel& kernel, const PreparedTables& tables) {
  for (FoldParticle p : {FoldParticle::photon, FoldParticle::electron}) {
    if ((p == FoldParticle::photon ? tables.photon_grid : tables.electron_grid) !=
        grid_of(kernel, p)) {
      throw std::invalid_argument(std::string("apply_fold: the kernel's ") + particle_name(p) +
                                  " grid is not the table's");
    }
  }
  NuclideSValues out;
  out.nuclide = kernel.nuclide;
  out.options = kernel.options;
  out.emitted_mev = kernel.emitted_mev;
  out.line_mev = kernel.line_mev;
  out.beta_spectrum_mev = kernel.beta_spectrum_mev;
  out.excluded_neutron_mev = kernel.excluded_neutron_mev;
  out.below_grid_fraction_photon = kernel.below_grid_fraction_photon;
  out.below_grid_fraction_electron = kernel.below_grid_fraction_electron;

  // Target-independent pieces of the variance. Linear: S is linear in the entries with the
  // coefficients of linear_coefficients(), and entries are independent jobs, so
  // Var S = sum_k c_k^2 var_k exactly (groups on one table summed first: they share entries).
  // PCHIP: S is not linear in the entries (the slopes are not), so the variance is propagated
  // to first order with the exact gradient dS/dSAF_k = direct_k + sum_j slope_coef_j
  // dd_j/dSAF_k (the slopes' Jacobian, see pchip_slopes); checked against resampling in tests.
  const LinearFold lin = linear_coefficients(kernel);
  struct PchipParts {
    std::vector<double> direct, slope_coef;
  };
  std::array<PchipParts, 2> parts;
  for (FoldParticle p : {FoldParticle::photon, FoldParticle::electron}) {
    const std::size_t n = grid_of(kernel, p).size();
    PchipParts& pp = parts[static_cast<std::size_t>(p)];
    pp.direct.assign(n, 0.0);
    pp.slope_coef.assign(n, 0.0);
    for (const auto& g : kernel.groups) {
      if (g.particle != p || n == 0) continue;
      pp.direct[0] += g.below_first;
      for (std::size_t i = 0; i + 1 < n; ++i) {
        pp.direct[i] += g.a[i];
        pp.direct[i + 1] += g.c[i];
        pp.slope_coef[i] += g.b[i];
        pp.slope_coef[i + 1] += g.d[i];
      }
    }
  }

  const std::size_t nt = tables.targets.size();
  out.targets.reserve(nt);
  std::vector<double> grad;
  for (std::size_t t = 0; t < nt; ++t) {
    const FoldTarget& target = tables.targets[t];
    const double saf0 = target.contains_source ? 1.0 / target.mass_kg : 0.0;
    std::array<double, kRadiationGroupCount> s_lin{}, s_pchip{};
    const std::size_t local = static_cast<std::size_t>(RadiationGroup::alpha_local);
    s_lin[local] = s_pchip[local] = kernel.local * saf0;
    double var_lin = 0, var_pchip = 0;
    for (FoldParticle p : {FoldParticle::photon, FoldParticle::electron}) {
      const auto& columns = p == FoldParticle::photon ? tables.photon : tables.electron;
      if (columns.empty()) continue;
      const PreparedTables::Column& col = columns[t];
      const std::vector<double>& y = col.saf;
      const std::vector<double>& slope = col.slope;
      const std::size_t n = y.size();
      for (std::size_t gi = 0; gi < kernel.groups.size(); ++gi) {
        const auto& g = kernel.groups[gi];
        if (g.particle != p) continue;
        const double common = g.below_first * y[0] + g.zero_limit * saf0;
        double sl = common, sp = common;
        for (std::size_t k = 0; k < n; ++k) sl += g.linear[k] * y[k];
        for (std::size_t k = 0; k + 1 < n; ++k) {
          sp += g.a[k] * y[k] + g.b[k] * slope[k] + g.c[k] * y[k + 1] + g.d[k] * slope[k + 1];
        }
        s_lin[gi] = sl;  // groups 0..2 are RadiationGroup photon, beta, ic_auger
        s_pchip[gi] = sp;
      }
      const std::vector<double>& c = p == FoldParticle::photon ? lin.photon : lin.electron;
      const PchipParts& pp = parts[static_cast<std::size_t>(p)];
      grad = pp.direct;
      for (std::size_t j = 0; j < n; ++j) {
        if (pp.slope_coef[j] == 0) continue;
        for (std::size_t m = 0; m < 3; ++m) {
          const std::size_t k = static_cast<std::size_t>(col.slope_first[j]) + m;
          if (k < n) grad[k] += pp.slope_coef[j] * col.slope_jacobian[j][m];
        }
      }
      for (std::size_t k = 0; k < n; ++k) {
        var_lin += c[k] * c[k] * col.variance[k];
        var_pchip += grad[k] * grad[k] * col.variance[k];
      }
    }
    TargetSValue r;
    for (double v : s_lin) r.s_linear += v;
    for (double v : s_pchip) r.s_pchip += v;
    const bool pchip = kernel.options.interpolation == Interpolation::pchip;
    const auto& by_group = pchip ? s_pchip : s_lin;
    r.s_gy_per_bq_s = pchip ? r.s_pchip : r.s_linear;
    r.s_mgy_per_mbq_s = r.s_gy_per_bq_s * kMilliGrayPerMBqSecond;
    r.sigma_gy_per_bq_s = std::sqrt(pchip ? var_pchip : var_lin);
    r.relative_sigma = r.s_gy_per_bq_s != 0 ? r.sigma_gy_per_bq_s / std::abs(r.s_gy_per_bq_s) : 0;
    if (r.s_gy_per_bq_s != 0) {
      for (std::size_t g = 0; g < by_group.size(); ++g) r.share[g] = by_group[g] / r.s_gy_per_bq_s;
    }
    r.interpolation_spread = std::abs(r.s_linear - r.s_pchip);
    out.targets.push_back(r);
  }
  return out;
}

NuclideSValues apply_fold(const FoldKernel& kernel, const FoldTables& tables) {
  return apply_fold(kernel, prepare_tables(tables));
}

NuclideSValues fold_svalues(const NuclideEmissions& nuclide, const FoldTables& tables,
                            const FoldOptions& options) {
  return apply_fold(
      prepare_fold(nuclide, tables.photon.energies_mev, tables.electron.energies_mev, options),
      tables);
}

}  // namespace gpudose

namespace gpudose {

void accumulate_kernel(FoldKernel& into, const FoldKernel& k, double weight) {
  const bool empty = into.nuclide.empty() && into.photon_grid.empty() && into.electron_grid.empty();
  if (empty) {
    FoldKernel zero = k;
    for (auto& g : zero.groups) {
      for (auto* v : {&g.linear, &g.a, &g.b, &g.c, &g.d}) std::fill(v->begin(), v->end(), 0.0);
      g.below_first = g.zero_limit = 0;
    }
    zero.local = 0;
    zero.emitted_mev.fill(0);
    zero.line_mev.fill(0);
    zero.beta_spectrum_mev = zero.excluded_neutron_mev = 0;
    zero.below_grid_fraction_photon = zero.below_grid_fraction_electron = 0;
    into = zero;
  }
  if (into.photon_grid != k.photon_grid || into.electron_grid != k.electron_grid ||
      into.options.interpolation != k.options.interpolation ||
      into.options.weighting != k.options.weighting) {
    throw std::invalid_argument("accumulate_kernel: kernels of different grids or options");
  }
  const auto total = [](const FoldKernel& f) {
    double t = 0;
    for (double e : f.emitted_mev) t += e;
    return t;
  };
  // Below-grid energies in MeV per decay, to re-normalise the fractions after the sum.
  const double into_total = total(into), k_total = total(k);
  const double below_photon = into.below_grid_fraction_photon * into_total +
                              weight * k.below_grid_fraction_photon * k_total;
  const double below_electron = into.below_grid_fraction_electron * into_total +
                                weight * k.below_grid_fraction_electron * k_total;
  for (std::size_t gi = 0; gi < into.groups.size(); ++gi) {
    FoldKernel::Group& g = into.groups[gi];
    const FoldKernel::Group& h = k.groups[gi];
    const std::vector<double>* from[] = {&h.linear, &h.a, &h.b, &h.c, &h.d};
    std::vector<double>* to[] = {&g.linear, &g.a, &g.b, &g.c, &g.d};
    for (int v = 0; v < 5; ++v) {
      for (std::size_t i = 0; i < to[v]->size(); ++i) (*to[v])[i] += weight * (*from[v])[i];
    }
    g.below_first += weight * h.below_first;
    g.zero_limit += weight * h.zero_limit;
  }
  into.local += weight * k.local;
  for (std::size_t i = 0; i < into.emitted_mev.size(); ++i)
    into.emitted_mev[i] += weight * k.emitted_mev[i];
  for (std::size_t i = 0; i < into.line_mev.size(); ++i) into.line_mev[i] += weight * k.line_mev[i];
  into.beta_spectrum_mev += weight * k.beta_spectrum_mev;
  into.excluded_neutron_mev += weight * k.excluded_neutron_mev;
  const double new_total = total(into);
  into.below_grid_fraction_photon = new_total > 0 ? below_photon / new_total : 0;
  into.below_grid_fraction_electron = new_total > 0 ? below_electron / new_total : 0;
  into.nuclide = into.nuclide.empty() || empty ? k.nuclide : into.nuclide;
}

}  // namespace gpudose
