// Fixed-point energy: the unit of every tally, so that sums are exact and order-independent.
//
// Energies are tallied as unsigned 64-bit integers in units of 2^-32 MeV:
//  - resolution: 2^-32 MeV = 2.33e-10 MeV = 2.3e-4 eV per unit (rounding a deposit to the
//    nearest unit changes it by at most 1.2e-4 eV, far below any physics tolerance);
//  - one 64-bit tally holds at most (2^64 - 1) units = 4.29e9 MeV. A history never deposits more
//    than it emits, so a batch tally cannot overflow as long as the batch holds at most
//    kMaxBatchHistoriesAt10MeV = 429,496,729 histories of 10 MeV (scale inversely with energy;
//    the scheduler caps batch sizes with max_batch_histories()).
// Batches are merged into 128-bit sums (EnergySum128): 2^128 units hold 7.9e27 histories of
// 10 MeV, so a run of 1e12 histories (or any realistic campaign) cannot overflow.
// Integer addition is associative and commutative: the same deposits give the same integers in
// any order, with any number of threads, blocks or devices (tests/kernels/fixed_energy_test.cc).
#pragma once

#include <cstdint>

#include "kernels/portability.hh"

namespace gpudose {

constexpr double kFixedUnitsPerMeV = 4294967296.0;  // 2^32
constexpr double kFixedResolutionMeV = 1.0 / kFixedUnitsPerMeV;
constexpr std::uint64_t kFixedMax = ~std::uint64_t{0};
// floor((2^64 - 1) / (10 MeV * 2^32 units/MeV))
constexpr std::uint64_t kMaxBatchHistoriesAt10MeV = kFixedMax / (10ull << 32);

// Largest number of histories of `energy_mev` each that one 64-bit batch tally can hold.
inline std::uint64_t max_batch_histories(double energy_mev) {
  const double per_history = energy_mev * kFixedUnitsPerMeV + 1.0;
  return static_cast<std::uint64_t>(static_cast<double>(kFixedMax) / per_history);
}

// MeV -> fixed-point units, rounding to nearest. Precondition: 0 <= mev < 4.29e9.
GD_HOST_DEVICE GD_FORCEINLINE std::uint64_t to_fixed(double mev) {
  GD_EXPECT(mev >= 0.0);
  return static_cast<std::uint64_t>(mev * kFixedUnitsPerMeV + 0.5);
}

GD_HOST_DEVICE GD_FORCEINLINE double fixed_to_mev(std::uint64_t units) {
  return static_cast<double>(units) * kFixedResolutionMeV;
}

// Exact unsigned 128-bit sum of 64-bit tallies (host and device; no compiler extension).
struct EnergySum128 {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;

  GD_HOST_DEVICE void add(std::uint64_t units) {
    const std::uint64_t before = lo;
    lo += units;
    hi += (lo < before) ? 1u : 0u;
  }
  GD_HOST_DEVICE void add(const EnergySum128& other) {
    add(other.lo);
    hi += other.hi;
  }
  GD_HOST_DEVICE double mev() const {
    return (static_cast<double>(hi) * 18446744073709551616.0 + static_cast<double>(lo)) *
           kFixedResolutionMeV;
  }
  GD_HOST_DEVICE bool operator==(const EnergySum128& o) const { return lo == o.lo && hi == o.hi; }
  GD_HOST_DEVICE bool operator!=(const EnergySum128& o) const { return !(*this == o); }
};

}  // namespace gpudose
