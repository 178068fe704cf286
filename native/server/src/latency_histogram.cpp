#include "truce/latency_histogram.hpp"

#include <cmath>
#include <limits>

namespace truce {
namespace {

constexpr std::uint64_t kFirstBoundNs = 1000;  // 1 µs

// ns <= 1000 · 2^i  ⟺  (ns − 1) / 1000 < 2^i  ⟺  bit_width((ns − 1) / 1000) <= i,
// so the bucket is a bit count, with no table and no loop over the bounds.
std::size_t bucket_of(std::uint64_t ns) noexcept {
  if (ns == 0) return 0;
  std::uint64_t units = (ns - 1) / kFirstBoundNs;
  std::size_t width = 0;
  while (units != 0) {
    ++width;
    units >>= 1;
  }
  return width < LatencySnapshot::kFiniteBuckets ? width : LatencySnapshot::kFiniteBuckets;
}

double seconds(std::uint64_t ns) noexcept { return static_cast<double>(ns) * 1e-9; }

}  // namespace

double LatencySnapshot::upper_bound(std::size_t i) noexcept {
  if (i >= kFiniteBuckets) return std::numeric_limits<double>::infinity();
  return seconds(kFirstBoundNs << i);
}

double LatencySnapshot::quantile(double q) const noexcept {
  if (count == 0) return 0.0;
  if (!(q >= 0.0)) q = 0.0;
  if (q > 1.0) q = 1.0;
  // The small slack keeps 0.99 × 100 at rank 99 despite binary rounding.
  const double exact_rank = std::ceil(q * static_cast<double>(count) - 1e-9);
  const std::uint64_t rank = exact_rank < 1.0 ? 1 : static_cast<std::uint64_t>(exact_rank);
  for (std::size_t i = 0; i < kFiniteBuckets; ++i) {
    if (cumulative[i] >= rank) return std::fmin(upper_bound(i), max);
  }
  return max;
}

void LatencyHistogram::record(std::chrono::nanoseconds elapsed) noexcept {
  const std::uint64_t ns = elapsed.count() > 0 ? static_cast<std::uint64_t>(elapsed.count()) : 0;
  std::uint64_t seen = max_ns_.load(std::memory_order_relaxed);
  while (ns > seen && !max_ns_.compare_exchange_weak(seen, ns, std::memory_order_relaxed)) {
  }
  sum_ns_.fetch_add(ns, std::memory_order_relaxed);
  // Release after max: a snapshot that counts this observation also sees its max.
  buckets_[bucket_of(ns)].fetch_add(1, std::memory_order_release);
}

LatencySnapshot LatencyHistogram::snapshot() const noexcept {
  LatencySnapshot s;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < LatencySnapshot::kBuckets; ++i) {
    running += buckets_[i].load(std::memory_order_acquire);
    s.cumulative[i] = running;
  }
  s.count = running;
  s.sum = seconds(sum_ns_.load(std::memory_order_relaxed));
  s.max = seconds(max_ns_.load(std::memory_order_relaxed));
  s.p50 = s.quantile(0.5);
  s.p99 = s.quantile(0.99);
  return s;
}

}  // namespace truce
