#include "physics-data/photon_element_data.hh"

#include <algorithm>
#include <cmath>

#include "host/foundation/user_error.hh"
#include "kernels/interpolation.hh"
#include "physics-data/elements.hh"
#include "physics-data/hdf5_io.hh"

namespace gpudose {
namespace {

double interp_table(const std::vector<double>& x, const std::vector<double>& y, double v,
                    bool loglog) {
  if (v <= x.front()) return y.front();
  if (v >= x.back()) return y.back();
  const int i = search_interval(x.data(), static_cast<int>(x.size()), v);
  return loglog ? interp_loglog(x[i], x[i + 1], y[i], y[i + 1], v)
                : interp_lin(x[i], x[i + 1], y[i], y[i + 1], v);
}

[[noreturn]] void bad_values(const H5File& f, const std::string& ds, const std::string& why) {
  throw UserError("bad data file '" + f.path() + "': " + ds, why,
                  "replace the file with a good copy");
}

// Every value finite and >= 0 (> 0 when `positive`): a NaN or a sign error in an elemental file
// must not build a library (issue #14). Index in the message, so the file can be inspected.
void check_finite(const H5File& f, const std::string& ds, const std::vector<double>& v,
                  bool positive) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i]) || v[i] < 0 || (positive && v[i] == 0)) {
      bad_values(f, ds,
                 "value " + std::to_string(v[i]) + " at index " + std::to_string(i) + " is not " +
                     (positive ? "a finite positive number" : "finite and non-negative"));
    }
  }
}

void check_positive_ascending(const H5File& f, const std::string& ds,
                              const std::vector<double>& x) {
  check_finite(f, ds, x, false);
  for (std::size_t i = 1; i < x.size(); ++i) {
    if (!(x[i] >= x[i - 1])) {
      bad_values(f, ds, "values not ascending at index " + std::to_string(i));
    }
  }
}

}  // namespace

std::string photon_element_dir(const std::string& data_dir) {
  return data_dir + "/physics-data-sources/openmc-endfb80-photon";
}

double PhotonElementData::coherent_xs(double e) const {
  return interp_table(energy, coherent, e, true);
}
double PhotonElementData::incoherent_xs(double e) const {
  return interp_table(energy, incoherent, e, true);
}
double PhotonElementData::pair_nuclear_xs(double e) const {
  return interp_table(energy, pair_nuclear, e, true);
}
double PhotonElementData::pair_electron_xs(double e) const {
  return interp_table(energy, pair_electron, e, true);
}

double PhotonElementData::subshell_xs(std::size_t shell, double e, bool below) const {
  const Subshell& s = subshells[shell];
  const double threshold = energy[s.threshold_idx];
  // Grid energies reach here as MeV * 1e6: snap rounding-level differences onto the edge.
  if (std::fabs(e - threshold) <= 1e-12 * threshold) e = threshold;
  if (e < threshold || (below && e == threshold)) return 0.0;
  const std::size_t n = s.xs.size();
  const double* x = energy.data() + s.threshold_idx;
  if (e >= x[n - 1]) return s.xs[n - 1];
  const int i = search_interval(x, static_cast<int>(n), e);
  return interp_loglog(x[i], x[i + 1], s.xs[i], s.xs[i + 1], e);
}

double PhotonElementData::photoelectric_xs(double e, bool below) const {
  double sum = 0;
  for (std::size_t s = 0; s < subshells.size(); ++s) sum += subshell_xs(s, e, below);
  return sum;
}

double PhotonElementData::form_factor_at(double x) const {
  return interp_table(form_factor_x, form_factor, x, false);
}

double PhotonElementData::scattering_function_at(double x) const {
  return interp_table(scattering_x, scattering_function, x, false);
}

PhotonElementData read_photon_element(const std::string& h5_dir, int z) {
  PhotonElementData d;
  d.z = z;
  d.symbol = element_facts(z).symbol;
  d.path = h5_dir + "/" + d.symbol + ".h5";
  const H5File f = H5File::open_read(d.path);
  const std::string g = "/" + d.symbol;
  if (!f.exists(g)) {
    throw UserError("bad data file '" + d.path + "': group " + g, "missing",
                    "use the OpenMC photon file of element " + d.symbol);
  }
  if (f.read_attr_int(g, "Z") != z) {
    throw UserError("bad data file '" + d.path + "'", "attribute Z is not " + std::to_string(z),
                    "use the OpenMC photon file of element " + d.symbol);
  }
  d.energy = f.read_doubles(g + "/energy");
  check_finite(f, g + "/energy", d.energy, true);
  for (std::size_t i = 1; i < d.energy.size(); ++i) {
    if (!(d.energy[i] > d.energy[i - 1])) {
      bad_values(f, g + "/energy", "energies not increasing at index " + std::to_string(i));
    }
  }
  // Coverage: the libraries tabulate 1 keV - 20 MeV (photon_library.hh); the ENDF/B-VIII.0
  // files span 1 eV - 100 GeV. A truncated grid would be extrapolated as a constant.
  if (d.energy.size() < 2 || d.energy.front() > 1e3 || d.energy.back() < 2e7) {
    bad_values(f, g + "/energy",
               "the grid must cover 1 keV - 20 MeV, it spans " +
                   std::to_string(d.energy.empty() ? 0.0 : d.energy.front()) + " - " +
                   std::to_string(d.energy.empty() ? 0.0 : d.energy.back()) + " eV");
  }
  const std::size_t n = d.energy.size();
  auto read_xs = [&](const std::string& name) {
    std::vector<double> v = f.read_doubles(g + "/" + name);
    if (v.size() != n) {
      throw UserError(
          "bad data file '" + d.path + "': " + g + "/" + name,
          "has " + std::to_string(v.size()) + " values for " + std::to_string(n) + " energies",
          "replace the file with a good copy");
    }
    // Coherent and incoherent scattering exist at every energy (> 0); photoelectric and pair
    // production are zero below their thresholds (>= 0).
    const bool positive = name == "coherent/xs" || name == "incoherent/xs";
    check_finite(f, g + "/" + name, v, positive);
    return v;
  };
  d.coherent = read_xs("coherent/xs");
  d.incoherent = read_xs("incoherent/xs");
  d.photoelectric = read_xs("photoelectric/xs");
  d.pair_nuclear = read_xs("pair_production_nuclear/xs");
  d.pair_electron = read_xs("pair_production_electron/xs");

  auto read_table = [&](const std::string& name, std::vector<double>& x, std::vector<double>& y) {
    std::vector<std::size_t> dims;
    const std::vector<double> t = f.read_doubles(g + "/" + name, &dims);
    if (dims.size() != 2 || dims[0] != 2 || dims[1] < 2) {
      throw UserError("bad data file '" + d.path + "': " + g + "/" + name,
                      "expected a 2 x n table (x, y)", "replace the file with a good copy");
    }
    x.assign(t.begin(), t.begin() + static_cast<long>(dims[1]));
    y.assign(t.begin() + static_cast<long>(dims[1]), t.end());
    check_positive_ascending(f, g + "/" + name, x);
    check_finite(f, g + "/" + name, y, false);
  };
  read_table("coherent/scattering_factor", d.form_factor_x, d.form_factor);
  read_table("incoherent/scattering_factor", d.scattering_x, d.scattering_function);

  const std::vector<std::string> names = f.read_attr_strings(g + "/subshells", "designators");
  // OpenMC's subshell designator order (openmc/data/photon.py _SUBSHELLS): index 1 = K.
  static const char* const kOrder[] = {"K",  "L1", "L2", "L3", "M1",  "M2",  "M3", "M4", "M5", "N1",
                                       "N2", "N3", "N4", "N5", "N6",  "N7",  "O1", "O2", "O3", "O4",
                                       "O5", "O6", "O7", "O8", "O9",  "P1",  "P2", "P3", "P4", "P5",
                                       "P6", "P7", "P8", "P9", "P10", "P11", "Q1", "Q2", "Q3"};
  for (const std::string& name : names) {
    Subshell s;
    s.name = name;
    const auto it = std::find(std::begin(kOrder), std::end(kOrder), name);
    if (it == std::end(kOrder)) {
      throw UserError("bad data file '" + d.path + "': " + g + "/subshells",
                      "unknown subshell designator '" + name + "'", "replace the file");
    }
    s.designator = static_cast<int>(it - std::begin(kOrder)) + 1;
    const std::string sg = g + "/subshells/" + name;
    s.binding_ev = f.read_attr_double(sg, "binding_energy");
    s.num_electrons = f.read_attr_double(sg, "num_electrons");
    if (!std::isfinite(s.binding_ev) || !(s.binding_ev > 0) || !std::isfinite(s.num_electrons) ||
        !(s.num_electrons > 0)) {
      bad_values(f, sg, "binding_energy and num_electrons must be finite and positive");
    }
    s.xs = f.read_doubles(sg + "/xs");
    check_finite(f, sg + "/xs", s.xs, false);
    const std::int64_t t = f.read_attr_int(sg + "/xs", "threshold_idx");
    if (t < 0 || static_cast<std::size_t>(t) + s.xs.size() != n) {
      throw UserError("bad data file '" + d.path + "': " + sg + "/xs",
                      "threshold_idx + length does not match the energy grid",
                      "replace the file with a good copy");
    }
    s.threshold_idx = static_cast<std::size_t>(t);
    if (f.exists(sg + "/transitions")) {
      std::vector<std::size_t> dims;
      const auto tr = f.read_doubles(sg + "/transitions", &dims);
      if (dims.size() != 2 || dims[1] != 4) {
        throw UserError("bad data file '" + d.path + "': " + sg + "/transitions",
                        "expected n x 4 (secondary, tertiary, energy, probability)",
                        "replace the file with a good copy");
      }
      check_finite(f, sg + "/transitions", tr, false);
      for (std::size_t k = 0; k < dims[0]; ++k) {
        if (tr[4 * k + 3] > 1) bad_values(f, sg + "/transitions", "a probability above 1");
        RelaxationTransition r;
        r.secondary = static_cast<int>(tr[4 * k]);
        r.tertiary = static_cast<int>(tr[4 * k + 1]);
        r.energy_ev = tr[4 * k + 2];
        r.probability = tr[4 * k + 3];
        s.transitions.push_back(r);
      }
    }
    d.subshells.push_back(std::move(s));
  }
  // Compton profiles: pz [n_pz], J [n_shells x n_pz], binding_energy and num_electrons [n_shells].
  const std::string cp = g + "/compton_profiles";
  if (!f.exists(cp)) {
    throw UserError("bad data file '" + d.path + "': " + cp, "missing",
                    "use the OpenMC photon file (format v3.0) of element " + d.symbol);
  }
  d.compton_pz = f.read_doubles(cp + "/pz");
  std::vector<std::size_t> jdims;
  const std::vector<double> jt = f.read_doubles(cp + "/J", &jdims);
  const std::vector<double> cb = f.read_doubles(cp + "/binding_energy");
  const std::vector<double> ce = f.read_doubles(cp + "/num_electrons");
  const std::size_t npz = d.compton_pz.size();
  if (npz < 2 || d.compton_pz[0] != 0 || jdims.size() != 2 || jdims[1] != npz || cb.empty() ||
      jdims[0] != cb.size() || ce.size() != cb.size()) {
    throw UserError("bad data file '" + d.path + "': " + cp,
                    "pz, J, binding_energy and num_electrons do not match",
                    "replace the file with a good copy");
  }
  check_positive_ascending(f, cp + "/pz", d.compton_pz);
  check_finite(f, cp + "/J", jt, false);
  check_finite(f, cp + "/binding_energy", cb, false);
  check_finite(f, cp + "/num_electrons", ce, true);
  for (std::size_t k = 0; k < cb.size(); ++k) {
    ComptonShell s;
    s.binding_ev = cb[k];
    s.num_electrons = ce[k];
    s.j.assign(jt.begin() + static_cast<long>(k * npz),
               jt.begin() + static_cast<long>((k + 1) * npz));
    d.compton_shells.push_back(std::move(s));
  }
  if (d.subshells.empty()) {
    throw UserError("bad data file '" + d.path + "': " + g + "/subshells", "no subshells",
                    "replace the file with a good copy");
  }
  return d;
}

}  // namespace gpudose
