#include "physics-data/radiative_event_count.hh"

namespace gpudose {

std::vector<double> radiative_event_count(const ElectronTablesView& t) {
  std::vector<double> n(2ull * t.n_media * t.n_energy, 0.0);
  const double dlog = 1.0 / t.inv_dlog;
  const double* brems = t.table[static_cast<int>(ElectronQuantity::kHardBremsXs)];
  const double* annihilation = t.table[static_cast<int>(ElectronQuantity::kAnnihilationXs)];
  const double* stopping = t.table[static_cast<int>(ElectronQuantity::kStoppingTotal)];
  for (int p = 0; p < 2; ++p) {
    for (int m = 0; m < t.n_media; ++m) {
      const int base = electron_table_index(t, p, m, 0);
      // Integrand in ln T: sigma T / S_tot.
      auto g = [&](int i) {
        const double e = t.energy[i];
        double sigma = e > t.wcr_mev ? brems[base + i] : 0.0;
        if (p == 1) sigma += annihilation[base + i];
        return sigma * e / stopping[base + i];
      };
      for (int i = 1; i < t.n_energy; ++i) {
        n[base + i] = n[base + i - 1] + 0.5 * (g(i - 1) + g(i)) * dlog;
      }
    }
  }
  return n;
}

}  // namespace gpudose
