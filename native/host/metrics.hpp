#pragma once
// What truce-host counts, published at GET /metrics in the Prometheus text
// format (version 0.0.4): requests by route, method and status, version
// conflicts, server-side merges, idempotent replays, and two latency
// histograms (waits for a document's lock, store calls).

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "truce/keyed_mutex.hpp"
#include "truce/latency_histogram.hpp"

namespace truce::host {

class Metrics {
 public:
  // `route` is a pattern ("/api/docs/{id}"), never a raw path: one series per route.
  void count_request(std::string_view route, std::string_view method, int status);
  void count_conflict() noexcept { conflicts_.fetch_add(1, std::memory_order_relaxed); }
  void count_merge(bool clean) noexcept {
    (clean ? clean_merges_ : conflicted_merges_).fetch_add(1, std::memory_order_relaxed);
  }
  void count_replay() noexcept { replays_.fetch_add(1, std::memory_order_relaxed); }
  LatencyHistogram& store_latency() noexcept { return store_; }

  // The exposition text, with the lock waits of `locks`.
  std::string prometheus(const LockMetrics& locks) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::atomic<std::uint64_t> conflicts_{0}, clean_merges_{0}, conflicted_merges_{0}, replays_{0};
  LatencyHistogram store_;
};

}  // namespace truce::host
