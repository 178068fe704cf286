#pragma once
// A latency distribution cheap enough to record on every request or lock:
// fixed exponential buckets turn an observation into a few atomic adds (no
// allocation, no lock, any thread), and they are exactly the cumulative `le`
// buckets of a Prometheus histogram, so a metrics endpoint can publish a
// snapshot as is. Times are in seconds (doubles), Prometheus' base unit.

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace truce {

struct LatencySnapshot {
  // Powers of two from 1 µs keep the relative error of a quantile under 2×
  // across eight decades, with few enough series for a scraper.
  static constexpr std::size_t kFiniteBuckets = 25;
  static constexpr std::size_t kBuckets = kFiniteBuckets + 1;  // the last is +Inf
  // `le` of bucket i in seconds: 2^i µs for i < 25 (1 µs, 2 µs, … 16.777216 s), then +Inf.
  static double upper_bound(std::size_t i) noexcept;

  std::uint64_t count = 0;
  double sum = 0.0;  // seconds, Prometheus' `_sum`
  double max = 0.0;  // exact, not bucketed
  double p50 = 0.0;  // quantile(0.5)
  double p99 = 0.0;  // quantile(0.99)
  // Observations <= upper_bound(i), Prometheus-style; the last equals count.
  std::array<std::uint64_t, kBuckets> cumulative{};

  // Nearest-rank q-quantile (q in [0, 1]) read off the buckets: the upper bound
  // of the bucket holding it, capped at max. An overestimate by design (a p99
  // alert never fires late): never below the true value, at most twice it
  // above 1 µs. 0 when empty.
  double quantile(double q) const noexcept;
};

class LatencyHistogram {
 public:
  LatencyHistogram() noexcept = default;
  LatencyHistogram(const LatencyHistogram&) = delete;
  LatencyHistogram& operator=(const LatencyHistogram&) = delete;

  // Negative durations (a clock that went backwards) count as 0.
  void record(std::chrono::nanoseconds elapsed) noexcept;

  // Taken while others record, the fields may disagree by the few
  // observations in flight (as any Prometheus scrape may); count always
  // equals the last cumulative bucket, and max covers every counted one.
  LatencySnapshot snapshot() const noexcept;

 private:
  std::array<std::atomic<std::uint64_t>, LatencySnapshot::kBuckets> buckets_{};  // not cumulative
  std::atomic<std::uint64_t> sum_ns_{0};
  std::atomic<std::uint64_t> max_ns_{0};
};

}  // namespace truce
