// Walker's alias method: O(1) sampling of an index from a discrete distribution, used to pick
// the source voxel of each history (AF liver: 87,437 voxels) on both back ends.
//
// Algorithm: A. J. Walker, "An efficient method for generating discrete random variables with
// general distributions", ACM TOMS 3 (1977) 253; table construction by M. D. Vose, "A linear
// algorithm for generating random numbers with a given distribution", IEEE TSE 17 (1991) 972.
// One uniform u picks cell k = floor(u n) and reuses the fraction u n - k for the accept test:
// two draws would be wasteful and the 53-bit uniform has ample resolution for n < 2^32.
#pragma once

#include <cstdint>

#include "kernels/portability.hh"

namespace gpudose {

struct AliasTableView {
  std::uint32_t size = 0;
  const double* accept = nullptr;        // probability of keeping cell k
  const std::uint32_t* alias = nullptr;  // the other outcome of cell k

  GD_HOST_DEVICE GD_FORCEINLINE std::uint32_t sample(double u) const {
    const double scaled = u * size;
    std::uint32_t k = static_cast<std::uint32_t>(scaled);
    if (k >= size) k = size - 1;
    return (scaled - k) < accept[k] ? k : alias[k];
  }
};

}  // namespace gpudose
