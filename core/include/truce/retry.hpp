#pragma once
// Compare-and-set with retries: re-read, re-apply the caller's change, write
// with the version just read, and back off between attempts when someone
// else wrote first. The core owns no clock and no randomness: sleep and the
// jitter source are injected, so tests are instant and deterministic and the
// JS helper (which awaits between attempts) makes the very same decisions.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "truce/document.hpp"
#include "truce/error.hpp"
#include "truce/version.hpp"

namespace truce {

struct Backoff {
  int max_attempts = 3;  // attempts in total, the first included
  std::chrono::milliseconds base{10};
  double factor = 2.0;
  std::chrono::milliseconds cap{1000};
  // Fraction in [0, 1] of each delay that is randomised away: delay × (1 − jitter × u)
  // for u drawn uniformly in [0, 1). 0 keeps the schedule exact; 1 is "full jitter".
  double jitter = 0.0;

  // Pause after failed attempt `attempt` (1-based): min(cap, base × factor^(attempt−1)),
  // then jitter. With the defaults: 10, 20, 40 ms. INVALID_ARGUMENT for attempt < 1.
  std::chrono::microseconds delay(int attempt, double unit = 0.0) const;
  // INVALID_ARGUMENT unless max_attempts >= 1, base >= 0, factor >= 1, cap >= 0, 0 <= jitter <= 1.
  void validate() const;

  // {"maxAttempts", "baseMs", "factor", "capMs", "jitter"}; missing members keep defaults.
  static Backoff from_json(const Document& wire);
  Document to_json() const;
};

// The decision after attempt `attempt` of updating `id` ended in `conflict`:
// the pause before the next attempt, or, once `attempt` reaches
// max_attempts, a thrown VERSION_CONFLICT whose message names the id and the
// attempt count ("Gave up updating 'doc-1' after 3 attempts: Expected version
// 2, resource is at version 3") and whose details carry id, attempts and the
// last conflict's details.
std::chrono::microseconds delay_after_conflict(const Backoff& backoff, std::string_view id, int attempt,
                                               const Error& conflict, double unit = 0.0);

// What `load` returns: the current value and version, or both empty when the
// resource does not exist yet.
struct Snapshot {
  std::optional<Document> value;
  std::optional<Version> version;
};

struct UpdateResult {
  Document value;
  Version version = 0;
  int attempts = 0;
};

struct RetryHooks {
  std::function<void(std::chrono::microseconds)> sleep;  // required
  std::function<double()> random;                        // uniform in [0, 1); required when jitter > 0
  std::function<void(std::string_view id, int attempt, const Error& conflict)> on_conflict;  // optional
};

using LoadFn = std::function<Snapshot(std::string_view id)>;
using MutateFn = std::function<Document(const std::optional<Document>& current)>;
// Writes `next` if the resource is still at `expected` and returns the new
// version; throws an Error with Code::VersionConflict when it is not.
using StoreFn = std::function<Version(std::string_view id, const Document& next, const Expected& expected)>;

// Each attempt loads, mutates, and stores with the loaded version (or
// no_stream for a new resource), then verifies the store produced exactly
// next_version(loaded). Conflicts go to hooks.on_conflict and are retried per
// `backoff`; any other error propagates at once.
UpdateResult update_with_retry(std::string_view id, const LoadFn& load, const MutateFn& mutate, const StoreFn& store,
                               const Backoff& backoff, const RetryHooks& hooks);

}  // namespace truce
