// Staged transport: the launch functors of the photon stage, the charged-particle stage, the
// source stage and the depth-first finish, over the queues of kernels/stage_queues.hh. The host
// loop that chooses which stage runs, on how many particles, is host/run/staged_transport.hh.
//
// Each functor item takes one particle from its queue (entry head + i) and runs the same
// track() as a history does (kernels/photon_transport.hh, electron_transport.hh), with a
// QueueSink instead of the history's stacks: what it sets in motion goes to the queues. A
// photon item has no secondary stack at all; a particle whose next interaction might not fit
// its budget sets itself aside into its own queue, at a point where resuming later computes
// exactly what going on would have. Every particle draws from its own random stream
// (kernels/philox.hh) and tallies are integer sums, so the tallies are bit for bit those of the
// history-by-history path, whatever the stages' order, sizes, threads or queue capacities
// (tests/transport/staged_transport_test.cc).
//
// Deposits go to the batch of the particle's history, as in BatchedHistories.
#pragma once

#include <cstdint>

#include "kernels/particle_states.hh"
#include "kernels/philox.hh"
#include "kernels/photon_transport.hh"
#include "kernels/portability.hh"
#include "kernels/stage_queues.hh"
#include "kernels/step_counters.hh"

namespace gpudose {

// Where a stage's deposits go: the per-batch tallies of a launch (as BatchedHistories).
struct StageTallies {
  std::uint64_t batch_size;
  std::uint64_t first_batch;
  int bins;
  std::uint64_t* tallies;  // [batches][bins]
  GD_HOST_DEVICE CoalescingTally<AtomicTally> of(std::uint64_t history) const {
    return CoalescingTally<AtomicTally>{
        AtomicTally{tallies + (history / batch_size - first_batch) * bins}};
  }
};

// Runs `body(history, tally)` for one particle of `history`: through run_history, so that the
// step counters (when compiled) and the coalescing tally's flush work as for a history.
template <class Body>
GD_HOST_DEVICE GD_FORCEINLINE void run_particle(const Body& body, std::uint64_t history,
                                                const StageTallies& out) {
  run_history(body, history, out.of(history), out.bins);
}

// Source stage: item i starts history first_history + i (its source particle into a queue).
template <class History>
struct SourceStage {
  History history;
  PhotonQueueView photons;
  ChargedQueueView charged;
  std::uint64_t first_history;
  GD_HOST_DEVICE void operator()(std::uint64_t i) const {
    QueueSink sink{&photons, &charged, first_history + i, 1, 1};
    history.emit(first_history + i, sink);
  }
};

template <class History>
struct PhotonStage {
  History history;
  PhotonQueueView photons;
  ChargedQueueView charged;
  std::uint64_t head;  // item i takes the photon at position head + i
  StageTallies out;
  int max_photons, max_charged;  // each item's budget (StageBudgets)

  struct Body {
    const PhotonStage* stage;
    PhotonState* p;
    QueueSink* sink;
    template <class Tally>
    GD_HOST_DEVICE void operator()(std::uint64_t h, Tally& tally) const {
      const PhotonTransportParams& prm = stage->history.params;
      RngStream rng(prm.seed, prm.job, h, stream_of(*p));
      stage->history.track(*p, rng, tally, *sink);
    }
  };

  GD_HOST_DEVICE void operator()(std::uint64_t i) const {
    std::uint64_t h = 0;
    PhotonState p = photons.load(head + i, &h);
    QueueSink sink{&photons, &charged, h, max_photons, max_charged};
    run_particle(Body{this, &p, &sink}, h, out);
  }
};

template <class History>
struct ChargedStage {
  History history;
  PhotonQueueView photons;
  ChargedQueueView charged;
  std::uint64_t head;  // item i takes the particle at position head + i
  StageTallies out;
  int max_photons, max_charged;  // each item's budget (StageBudgets)

  struct Body {
    const ChargedStage* stage;
    const ChargedState* c;
    QueueSink* sink;
    template <class Tally>
    GD_HOST_DEVICE void operator()(std::uint64_t h, Tally& tally) const {
      const PhotonTransportParams& prm = stage->history.params;
      RngStream rng(prm.seed, prm.job, h, stream_of(*c));
      stage->history.electrons.track(*c, rng, tally, *sink);
    }
  };

  GD_HOST_DEVICE void operator()(std::uint64_t i) const {
    std::uint64_t h = 0;
    const ChargedState c = charged.load(head + i, &h);
    QueueSink sink{&photons, &charged, h, max_photons, max_charged};
    run_particle(Body{this, &c, &sink}, h, out);
  }
};

// The way out when the queues are too full for any stage to take a particle: item i takes the
// entry at head + i of one queue and runs it and everything it sets in motion depth first, on
// the history's own stacks (PhotonHistory::finish), pushing nothing.
template <class History>
struct FinishStage {
  History history;
  PhotonQueueView photons;
  ChargedQueueView charged;
  int from_charged;    // 1: the charged queue, 0: the photon queue
  std::uint64_t head;  // of that queue
  StageTallies out;

  struct Body {
    const FinishStage* stage;
    SecondaryStacks* st;
    template <class Tally>
    GD_HOST_DEVICE void operator()(std::uint64_t h, Tally& tally) const {
      stage->history.finish(h, *st, tally, DepthFirstOrder{});
    }
  };

  GD_HOST_DEVICE void operator()(std::uint64_t i) const {
    std::uint64_t h = 0;
    SecondaryStacks st;
    if (from_charged) {
      st.push_charged(charged.load(head + i, &h));
    } else {
      st.push_photon(photons.load(head + i, &h));
    }
    run_particle(Body{this, &st}, h, out);
  }
};

}  // namespace gpudose
