// Independent reference for the photon tests (a reader, no data): NIST XCOM per element, as shipped
// by Debian's python-fisx-common (fisx-debian/XCOM_CrossSections.dat.gz; keV and cm2/g), combined
// for mixtures by the mixture rule. Test-only code.
#pragma once

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace gpudose::test {

struct XcomRow {
  double e_mev, coherent, incoherent, photo, pair, total;  // cm2/g
};

class XcomTable {
 public:
  explicit XcomTable(const std::string& data_dir) {
    const std::string path =
        data_dir + "/physics-data-sources/fisx-debian/XCOM_CrossSections.dat.gz";
    const std::string cmd = "gzip -dc '" + path + "'";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) throw std::runtime_error("cannot run " + cmd);
    std::string text;
    char buf[1 << 16];
    for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
    pclose(p);
    std::istringstream in(text);
    int z = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("#S ", 0) == 0) {
        z = std::stoi(line.substr(3));
      } else if (!line.empty() && line[0] != '#' && z > 0) {
        std::istringstream s(line);
        double e, coh, inc, cpi, pe, pair, tot;
        if (s >> e >> coh >> inc >> cpi >> pe >> pair >> tot) {
          rows_[z].push_back({e * 1e-3, coh, inc, pe, pair, tot});
        }
      }
    }
    if (rows_.size() < 90) throw std::runtime_error("XCOM file incomplete: " + path);
  }

  // Row of element z at a tabulated energy (exact match; edges: the value above).
  const XcomRow& at(int z, double e_mev) const {
    const XcomRow* found = nullptr;
    for (const auto& r : rows_.at(z)) {
      if (std::fabs(r.e_mev / e_mev - 1) < 1e-6) found = &r;
    }
    if (!found) throw std::runtime_error("energy not on the XCOM grid");
    return *found;
  }

  // Mixture total mu/rho at a tabulated energy.
  double total(const std::vector<std::pair<int, double>>& mass_fractions, double e_mev) const {
    double sum = 0;
    for (const auto& [z, w] : mass_fractions) sum += w * at(z, e_mev).total;
    return sum;
  }

 private:
  std::map<int, std::vector<XcomRow>> rows_;
};

}  // namespace gpudose::test
