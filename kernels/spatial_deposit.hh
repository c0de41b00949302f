// Where energy is deposited, for tallies that want to know: dose images (host/run/voxel_tally.hh)
// tally each deposit in its voxel as well as in its label's bin.
//
// The transport deposits energy into a label's bin through deposit_at(tally, label, units, x, y,
// z), with the point (cm, phantom frame) where it is deposited. For a tally without a
// deposit_at member (PlainTally, CoalescingTally, AtomicTally) that is exactly
// tally.deposit(label, units): the point is not even computed, so organ-only jobs compile as
// before. Bins that are not labels (escaped energy, counters, diagnostics) keep deposit().
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

#include "kernels/portability.hh"

namespace gpudose {

template <class T, class = void>
struct IsSpatialTally : std::false_type {};
template <class T>
struct IsSpatialTally<T, std::void_t<decltype(std::declval<const T&>().deposit_at(
                             0, std::uint64_t{0}, 0.0, 0.0, 0.0))>> : std::true_type {};

template <class Tally>
GD_HOST_DEVICE GD_FORCEINLINE void deposit_at(const Tally& tally, int label, std::uint64_t units,
                                              double x, double y, double z) {
  if constexpr (IsSpatialTally<Tally>::value) {
    tally.deposit_at(label, units, x, y, z);
  } else {
    tally.deposit(label, units);
  }
}

}  // namespace gpudose
