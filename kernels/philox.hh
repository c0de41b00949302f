// Philox-4x32-10 counter-based random number generator, header-only, host and device.
//
// Algorithm: J. K. Salmon, M. A. Moraes, R. O. Dror, D. E. Shaw, "Parallel random numbers: as
// easy as 1, 2, 3", SC'11 (2011), doi:10.1145/2063384.2063405 — the Random123 Philox4x32 with
// R = 10 rounds. Constants M0, M1 (multipliers) and W0, W1 (Weyl key increments) from that paper.
// Checked against the Random123 known-answer vectors (tests/kernels/philox_test.cc) and, on a
// GPU, bit for bit against cuRAND's Philox4_32_10 (tests/gpu/rng_parity_test.cu).
//
// Stream layout (the determinism contract, GUIDE §2): the key is the 64-bit run seed; the
// 128-bit counter is (block, job id, history index low, history index high). A history's
// numbers therefore depend only on (seed, job, history) — never on thread, block or device —
// and two (job, history) pairs can never share a counter, so streams never overlap. A history
// may draw 4 x 2^32 numbers before its block counter wraps. In cuRAND terms this is
// curand_init(seed, subsequence = history, offset = 4 * (job << 32)).
//
// Per-particle streams: every particle of a history draws from its own stream, so that the
// order in which a history's particles are processed (LIFO stacks, FIFO queues, separate photon
// and charged-particle stages, any thread) cannot change a single number. A particle is named
// by a 64-bit id: the source particle is 0 (its stream is the history's stream above, key =
// seed), and a child's id is 64 bits drawn from its parent's stream when the parent creates it
// (spawn()). The stream of particle `id` is the same counter layout under the key seed XOR id:
// for one seed, distinct ids give distinct keys, so two particles of a history never share a
// stream; ids are Philox outputs, so two particles of a history get the same id with
// probability ~n^2 / 2^65 (n particles; 1e-17 for 20). A particle set aside (under a secondary,
// or by a full queue) keeps its id and word position and resumes exactly where it stopped.
#pragma once

#include <cstdint>

#include "kernels/portability.hh"

namespace gpudose {

struct PhiloxCounter {
  std::uint32_t v[4];
};
struct PhiloxKey {
  std::uint32_t v[2];
};

namespace philox_detail {
constexpr std::uint32_t kM0 = 0xD2511F53u;
constexpr std::uint32_t kM1 = 0xCD9E8D57u;
constexpr std::uint32_t kW0 = 0x9E3779B9u;  // golden ratio
constexpr std::uint32_t kW1 = 0xBB67AE85u;  // sqrt(3) - 1

GD_HOST_DEVICE GD_FORCEINLINE void mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi,
                                           std::uint32_t& lo) {
  const std::uint64_t p = static_cast<std::uint64_t>(a) * b;
  hi = static_cast<std::uint32_t>(p >> 32);
  lo = static_cast<std::uint32_t>(p);
}

GD_HOST_DEVICE GD_FORCEINLINE PhiloxCounter round(const PhiloxCounter& c, const PhiloxKey& k) {
  std::uint32_t hi0, lo0, hi1, lo1;
  mulhilo(kM0, c.v[0], hi0, lo0);
  mulhilo(kM1, c.v[2], hi1, lo1);
  return PhiloxCounter{{hi1 ^ c.v[1] ^ k.v[0], lo1, hi0 ^ c.v[3] ^ k.v[1], lo0}};
}
}  // namespace philox_detail

// The bare bijection: 10 rounds of Philox on one counter under one key.
GD_HOST_DEVICE inline PhiloxCounter philox4x32_10(PhiloxCounter c, PhiloxKey k) {
  c = philox_detail::round(c, k);
  for (int r = 1; r < 10; ++r) {
    k.v[0] += philox_detail::kW0;
    k.v[1] += philox_detail::kW1;
    c = philox_detail::round(c, k);
  }
  return c;
}

// 64 random bits -> a double strictly inside (0, 1): the midpoints (k + 1/2) / 2^52 of 2^52 equal
// cells, k from the top 52 bits. Both extremes are exactly representable (2^-53 and 1 - 2^-53);
// with 53 bits the top midpoint 1 - 2^-54 would round to 1.0.
GD_HOST_DEVICE GD_FORCEINLINE double open_unit_double(std::uint64_t bits) {
  return (static_cast<double>(bits >> 12) + 0.5) * 0x1.0p-52;
}

// Where a particle's stream stands: its id and the number of 32-bit words it has drawn.
struct StreamPosition {
  std::uint64_t id;
  std::uint32_t word;
};

// The random stream of one particle of a history (the source particle's by default).
class RngStream {
 public:
  GD_HOST_DEVICE RngStream(std::uint64_t seed, std::uint32_t job, std::uint64_t history)
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
        counter_{{0u, job, static_cast<std::uint32_t>(history),
                  static_cast<std::uint32_t>(history >> 32)}},
        left_(0) {}

  // Particle `at.id` of the history, resumed after `at.word` words.
  GD_HOST_DEVICE RngStream(std::uint64_t seed, std::uint32_t job, std::uint64_t history,
                           StreamPosition at)
      : key_{{static_cast<std::uint32_t>(seed ^ at.id),
              static_cast<std::uint32_t>((seed ^ at.id) >> 32)}},
        counter_{{at.word >> 2, job, static_cast<std::uint32_t>(history),
                  static_cast<std::uint32_t>(history >> 32)}},
        id_(at.id),
        left_(0) {
    // Inside a block: regenerate it and skip the words already drawn.
    for (std::uint32_t k = 0; k < (at.word & 3u); ++k) next_u32();
  }

  // Next 32 random bits. The block is consumed from word 0 and shifted down, so the buffer is
  // only ever indexed by constants: indexing it by a run-time count put it in local memory on
  // the GPU (a load and a store per draw).
  GD_HOST_DEVICE GD_FORCEINLINE std::uint32_t next_u32() {
    if (left_ == 0) {
      buffer_ = philox4x32_10(counter_, key_);
      ++counter_.v[0];
      left_ = 4;
    }
    const std::uint32_t r = buffer_.v[0];
    buffer_.v[0] = buffer_.v[1];
    buffer_.v[1] = buffer_.v[2];
    buffer_.v[2] = buffer_.v[3];
    --left_;
    return r;
  }

  // Uniform double strictly inside (0, 1): safe for log(u) and 1/u. See open_unit_double().
  GD_HOST_DEVICE GD_FORCEINLINE double uniform() {
    const std::uint64_t hi = next_u32();
    const std::uint64_t lo = next_u32();
    return open_unit_double((hi << 32) | lo);
  }

  // The id of a new child particle: the next 64 bits of this stream.
  GD_HOST_DEVICE GD_FORCEINLINE std::uint64_t spawn() {
    const std::uint64_t hi = next_u32();
    const std::uint64_t lo = next_u32();
    return (hi << 32) | lo;
  }

  // This particle's id and words drawn so far: resuming from it continues the same sequence.
  GD_HOST_DEVICE StreamPosition position() const {
    return StreamPosition{id_, counter_.v[0] * 4u - static_cast<std::uint32_t>(left_)};
  }

  // Number of 4-word blocks consumed so far (for tests and diagnostics).
  GD_HOST_DEVICE std::uint32_t blocks_used() const { return counter_.v[0]; }

 private:
  PhiloxKey key_;
  PhiloxCounter counter_;
  PhiloxCounter buffer_{};
  std::uint64_t id_ = 0;
  int left_;  // words of buffer_ not yet drawn
};

}  // namespace gpudose
