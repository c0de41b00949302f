// The particle queues of staged transport (kernels/transport_stages.hh), as structures of
// arrays: one array per field, so that the threads of a warp reading consecutive entries read
// consecutive words (an array of 96-byte structs would make every field access a strided,
// uncoalesced load on a GPU).
//
// A queue is a ring of `capacity` slots. Entries are addressed by absolute positions that only
// grow: the consumer takes [head, head + k), producers append at the tail, position p lives in
// slot p % capacity. `tail` is a counter in the queue's own memory (device memory on a GPU),
// advanced atomically by every push, so many threads append at once; the host keeps `head`.
// Producers never overrun the entries being read: the host launches a stage only when the
// budgets of its items (QueueSink) fit in the free slots (host/run/staged_transport.hh).
// The order of entries within a stage's output depends on which thread pushed first; nothing
// else does, since every particle carries its own random stream and tallies are integer sums.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/atomics.hh"
#include "kernels/particle_states.hh"
#include "kernels/portability.hh"

namespace gpudose {

// A queue's arrays, carved out of one block (capacity * kSlotBytes bytes, 8-byte aligned): the
// 8-byte fields first (kReals doubles, then kWords 64-bit integers), then the 32-bit fields
// (kHalves), then the bytes (kBytes), each array `capacity` long. A view is three words (the
// stage functors and QueueSink stay small: a view of a pointer per array made QueueSink 272
// bytes of every photon-stage thread's stack frame); the field addresses are computed.
template <int kReals, int kWords, int kHalves, int kBytes>
struct QueueArrays {
  void* base;
  std::uint64_t capacity;
  std::uint64_t* tail;  // absolute position of the next push

  static constexpr std::size_t kSlotBytes = 8 * (kReals + kWords) + 4 * kHalves + kBytes;

  GD_HOST_DEVICE GD_FORCEINLINE double& real(int k, std::uint64_t s) const {
    return static_cast<double*>(base)[k * capacity + s];
  }
  GD_HOST_DEVICE GD_FORCEINLINE std::uint64_t& word(int k, std::uint64_t s) const {
    return static_cast<std::uint64_t*>(base)[(kReals + k) * capacity + s];
  }
  GD_HOST_DEVICE GD_FORCEINLINE std::uint32_t& half(int k, std::uint64_t s) const {
    return reinterpret_cast<std::uint32_t*>(static_cast<std::uint64_t*>(base) +
                                            (kReals + kWords) * capacity)[k * capacity + s];
  }
  GD_HOST_DEVICE GD_FORCEINLINE std::uint8_t& byte(int k, std::uint64_t s) const {
    return reinterpret_cast<std::uint8_t*>(static_cast<std::uint64_t*>(base) +
                                           (kReals + kWords) *
                                               capacity)[4 * kHalves * capacity + k * capacity + s];
  }
};

// Photons: x y z dx dy dz e | units id history | word | collided.
struct PhotonQueueView : QueueArrays<7, 3, 1, 1> {
  GD_HOST_DEVICE void store(std::uint64_t position, const PhotonState& p, std::uint64_t h) const {
    const std::uint64_t s = position % capacity;
    real(0, s) = p.x;
    real(1, s) = p.y;
    real(2, s) = p.z;
    real(3, s) = p.d.x;
    real(4, s) = p.d.y;
    real(5, s) = p.d.z;
    real(6, s) = p.e;
    word(0, s) = p.units;
    word(1, s) = p.id;
    word(2, s) = h;
    half(0, s) = p.word;
    byte(0, s) = p.collided ? 1 : 0;
  }
  GD_HOST_DEVICE PhotonState load(std::uint64_t position, std::uint64_t* h) const {
    const std::uint64_t s = position % capacity;
    PhotonState p;
    p.x = real(0, s);
    p.y = real(1, s);
    p.z = real(2, s);
    p.d = Vec3{real(3, s), real(4, s), real(5, s)};
    p.e = real(6, s);
    p.units = word(0, s);
    p.collided = byte(0, s) != 0;
    p.word = half(0, s);
    p.id = word(1, s);
    *h = word(2, s);
    return p;
  }
};

// Electrons and positrons: x y z dx dy dz e path | units id history | word voxel |
// positron primary.
struct ChargedQueueView : QueueArrays<8, 3, 2, 2> {
  GD_HOST_DEVICE void store(std::uint64_t position, const ChargedState& c, std::uint64_t h) const {
    const std::uint64_t s = position % capacity;
    real(0, s) = c.x;
    real(1, s) = c.y;
    real(2, s) = c.z;
    real(3, s) = c.d.x;
    real(4, s) = c.d.y;
    real(5, s) = c.d.z;
    real(6, s) = c.e;
    real(7, s) = c.path;
    word(0, s) = c.units;
    word(1, s) = c.id;
    word(2, s) = h;
    half(0, s) = c.word;
    half(1, s) = c.voxel;
    byte(0, s) = static_cast<std::uint8_t>(c.positron);
    byte(1, s) = static_cast<std::uint8_t>(c.primary);
  }
  GD_HOST_DEVICE ChargedState load(std::uint64_t position, std::uint64_t* h) const {
    const std::uint64_t s = position % capacity;
    ChargedState c;
    c.x = real(0, s);
    c.y = real(1, s);
    c.z = real(2, s);
    c.d = Vec3{real(3, s), real(4, s), real(5, s)};
    c.e = real(6, s);
    c.units = word(0, s);
    c.positron = byte(0, s);
    c.primary = byte(1, s);
    c.word = half(0, s);
    c.voxel = half(1, s);
    c.path = real(7, s);
    c.id = word(1, s);
    *h = word(2, s);
    return c;
  }
};

template <class View>
inline View bind_queue(void* base, std::uint64_t capacity, std::uint64_t* tail) {
  View q;
  q.base = base;
  q.capacity = capacity;
  q.tail = tail;
  return q;
}

// Budgets of one stage item: the photon and charged slots it may fill, which the host reserves
// before a launch. A photon needs room for a photoabsorption's fluorescence (kMaxFluorescence)
// or a pair's two charged particles (and the slot to set itself aside, which that leaves); an
// electron's hard event two photons (annihilation) or a delta and itself. Those are the
// minimums; larger budgets let a particle go on longer per item (the defaults: a photon past a
// Compton electron or two, an electron past a bremsstrahlung photon or two).
struct StageBudgets {
  int photon_stage_photons = kMaxFluorescence + 2;
  int photon_stage_charged = 4;
  int charged_stage_photons = 4;
  int charged_stage_charged = 2;
};
constexpr StageBudgets kMinimumStageBudgets{kMaxFluorescence, 2, 2, 2};

// The sink (particle_states.hh) of one stage item: pushes go straight into the queues (no
// per-thread stack), at most max_photons and max_charged of them; a track that might exceed
// that sets itself aside first (room_for_*).
//
// The views are pointed at, not copied: in a stage they are the functor's own members, which a
// GPU thread reads from the kernel's parameter space, so the sink costs a thread two pointers
// instead of six words of registers.
struct QueueSink {
  const PhotonQueueView* photons;
  const ChargedQueueView* charged;
  std::uint64_t history;  // every particle pushed belongs to the item's history
  int max_photons;
  int max_charged;
  int n_photons = 0;
  int n_charged = 0;

  static constexpr bool kDepthFirst = false;
  GD_HOST_DEVICE GD_FORCEINLINE bool photon_room(int n) const {
    return n_photons + n <= max_photons;
  }
  GD_HOST_DEVICE GD_FORCEINLINE bool charged_room(int n) const {
    return n_charged + n <= max_charged;
  }
  GD_HOST_DEVICE GD_FORCEINLINE void push_photon(const PhotonState& p) {
    photons->store(atomic_fetch_add(photons->tail, 1), p, history);
    ++n_photons;
  }
  GD_HOST_DEVICE GD_FORCEINLINE void push_charged(const ChargedState& c) {
    charged->store(atomic_fetch_add(charged->tail, 1), c, history);
    ++n_charged;
  }
  GD_HOST_DEVICE GD_FORCEINLINE void push_under_top(const ChargedState& c) { push_charged(c); }
  // The worst photon interaction: kMaxFluorescence photons (then the photon is gone) or one
  // annihilation photon of a local pair (then one more slot to set itself aside); two charged.
  GD_HOST_DEVICE GD_FORCEINLINE bool room_for_photon_interaction() const {
    return photon_room(kMaxFluorescence) && charged_room(2);
  }
  // The worst hard event: two annihilation photons, or a delta and the particle itself.
  GD_HOST_DEVICE GD_FORCEINLINE bool room_for_charged_event() const {
    return photon_room(2) && charged_room(2);
  }
};

}  // namespace gpudose
