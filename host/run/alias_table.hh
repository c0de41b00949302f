// Host-side owner of a Walker alias table (see kernels/alias_table.hh).
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/alias_table.hh"

namespace gpudose {

class AliasTable {
 public:
  // weights: non-negative, at least one positive. Throws std::invalid_argument otherwise.
  explicit AliasTable(const std::vector<double>& weights);
  AliasTableView view() const {
    return AliasTableView{static_cast<std::uint32_t>(accept_.size()), accept_.data(),
                          alias_.data()};
  }
  const std::vector<double>& accept() const { return accept_; }
  const std::vector<std::uint32_t>& alias() const { return alias_; }

 private:
  std::vector<double> accept_;
  std::vector<std::uint32_t> alias_;
};

}  // namespace gpudose
