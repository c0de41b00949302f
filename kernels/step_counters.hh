// Step counters: what a history did, counted per event kind, so that a benchmark's time turns
// into time per step (block crossing, collision, electron step, tally deposit...).
//
// Compiled in with the CMake option GPUDOSE_STEP_COUNTERS (off by default). The transport calls
// count_step(tally, kind) at each event; that is a no-op unless the tally type has a
// count(StepCounter) member, so with the ordinary tallies (PlainTally, CoalescingTally,
// AtomicTally) nothing is compiled into the kernels at all: the option costs nothing when off
// (tools/kernel-resources shows the same registers and stack with and without this header's
// hooks). With the option on, the runners wrap their tally in CountingTally, which keeps the
// counts in registers and adds them to extra tally bins (counter_bin() below) once per history:
// integers, so the counts are as deterministic as the energy tallies.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

#include "kernels/portability.hh"
#include "kernels/spatial_deposit.hh"
#include "kernels/tally_bins.hh"

#ifndef GPUDOSE_STEP_COUNTERS
#define GPUDOSE_STEP_COUNTERS 0
#endif

namespace gpudose {

enum StepCounter : int {
  kBlockCrossings = 0,   // photon: Woodcock majorant-block faces crossed
  kTentativeCollisions,  // photon: tentative (real or virtual) collision points
  kRealCollisions,       // photon: real interactions
  kChargedTracks,        // electrons and positrons set in motion (source included)
  kRangeRejectedTracks,  // of those, slowed down in place by range rejection
  kChargedSteps,         // condensed-history steps of electrons and positrons
  kTallyDeposits,        // tally.deposit() calls with energy (all bins)
  kTallyAtomics,         // global atomics a GPU issues for them (runs of one bin, coalesced)
  kNumStepCounters
};

// Names as reports print them (the JSON keys of `gpudose benchmark`), and short column labels
// (host code only).
constexpr const char* kStepCounterNames[kNumStepCounters] = {
    "block_crossings",       "tentative_collisions", "real_collisions", "charged_tracks",
    "range_rejected_tracks", "charged_steps",        "tally_deposits",  "tally_atomics"};
constexpr const char* kStepCounterLabels[kNumStepCounters] = {
    "blocks", "tentative", "real", "e-tracks", "e-rejected", "e-steps", "deposits", "atomics"};

constexpr bool kStepCountersCompiled = GPUDOSE_STEP_COUNTERS != 0;

// Tally bins of a job: the history tally (tally_bins.hh), then the step counters when compiled.
GD_HOST_DEVICE constexpr int counter_bin(int num_labels, int k) {
  return photon_tally_bins(num_labels) + k;
}
GD_HOST_DEVICE constexpr int job_tally_bins(int num_labels) {
  return photon_tally_bins(num_labels) + (kStepCountersCompiled ? kNumStepCounters : 0);
}

template <class T, class = void>
struct CountsSteps : std::false_type {};
template <class T>
struct CountsSteps<T, std::void_t<decltype(std::declval<const T&>().count(kBlockCrossings))>>
    : std::true_type {};

template <class T, class = void>
struct HasFlush : std::false_type {};
template <class T>
struct HasFlush<T, std::void_t<decltype(std::declval<const T&>().flush())>> : std::true_type {};

// The hook the transport calls; nothing at all for a tally without count().
template <class Tally>
GD_HOST_DEVICE GD_FORCEINLINE void count_step(const Tally& tally, StepCounter k) {
  if constexpr (CountsSteps<Tally>::value) tally.count(k);
}

// Wraps a tally: forwards every deposit, counts deposits, the runs of one bin a CoalescingTally
// would turn into one atomic each, and the transport's events. flush() at the end of every
// history adds the counts to bins first_counter .. first_counter + kNumStepCounters - 1 of the
// wrapped tally (and flushes it when it has a flush()).
template <class Tally>
struct CountingTally {
  Tally out;
  int first_counter;
  mutable std::uint64_t n[kNumStepCounters] = {};
  mutable int run_bin = -1;
  mutable std::uint64_t run_units = 0;

  GD_HOST_DEVICE GD_FORCEINLINE void deposit(int b, std::uint64_t u) const {
    count_deposit(b, u);
    out.deposit(b, u);
  }
  // Spatial (kernels/spatial_deposit.hh) exactly when the wrapped tally is: counting must not
  // change what the transport computes.
  template <class T = Tally, std::enable_if_t<IsSpatialTally<T>::value, int> = 0>
  GD_HOST_DEVICE GD_FORCEINLINE void deposit_at(int b, std::uint64_t u, double x, double y,
                                                double z) const {
    count_deposit(b, u);
    out.deposit_at(b, u, x, y, z);
  }
  GD_HOST_DEVICE GD_FORCEINLINE void count_deposit(int b, std::uint64_t u) const {
    ++n[kTallyDeposits];
    if (b != run_bin) {
      if (run_units != 0) ++n[kTallyAtomics];
      run_bin = b;
      run_units = 0;
    }
    run_units += u;
  }
  GD_HOST_DEVICE GD_FORCEINLINE void count(StepCounter k) const { ++n[k]; }
  GD_HOST_DEVICE void flush() const {
    if (run_units != 0) ++n[kTallyAtomics];
    run_bin = -1;
    run_units = 0;
    for (int k = 0; k < kNumStepCounters; ++k) {
      if (n[k] != 0) out.deposit(first_counter + k, n[k]);
      n[k] = 0;
    }
    if constexpr (HasFlush<Tally>::value) out.flush();
  }
};

// Runs history h into `tally` (a job tally of `bins` bins) and flushes it when it has a
// flush(); with the counters compiled in, through a CountingTally whose counts land in the
// last kNumStepCounters bins. The one way every runner and launch functor runs a history.
template <class History, class Tally>
GD_HOST_DEVICE GD_FORCEINLINE void run_history(const History& history, std::uint64_t h,
                                               const Tally& tally, int bins) {
  if constexpr (kStepCountersCompiled) {
    CountingTally<Tally> counting{tally, bins - kNumStepCounters};
    history(h, counting);
    counting.flush();  // flushes the wrapped tally too
  } else {
    history(h, tally);
    if constexpr (HasFlush<Tally>::value) tally.flush();
  }
}

}  // namespace gpudose
