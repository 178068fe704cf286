#pragma once
// Serialises work per resource (a document id, a path) so that a read,
// merge and write of one document never interleaves with another writer of
// the same document, while writers of different documents run in parallel.
//
// A key's entry lives only while someone holds or waits for it, so a server
// that has seen millions of ids keeps only the few in use. Waiters on a key
// are served first come, first served: a hot document cannot starve one
// writer. Batches take their keys in one global (sorted) order, the rule
// that keeps two overlapping batches from deadlocking.
//
// Not recursive: locking a key the caller already holds waits forever. A
// caller that needs several keys takes them in one lock_all() instead of
// nesting lock() calls, which could deadlock against another caller.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "truce/latency_histogram.hpp"

namespace truce {

struct LockMetrics {
  // From entering lock()/lock_all() to holding every key asked for, one
  // observation per call, uncontended ones included: wait.count is the number
  // of acquisitions. Seconds.
  LatencySnapshot wait;
  std::size_t waiting = 0;  // calls blocked right now
  std::size_t entries = 0;  // keys held or waited for right now, as size()
};

class KeyedMutex {
  // A ticket lock per key: arrival order is the service order, and the
  // entry is idle (and erased) exactly when every ticket has been served.
  struct Entry {
    std::condition_variable turn;
    std::uint64_t next_ticket = 0;
    std::uint64_t serving = 0;
  };
  using Map = std::unordered_map<std::string, Entry>;
  using Slot = Map::value_type;  // stays put in the map while referenced

 public:
  // Holds one key, or one batch, until destroyed or unlock()ed. Ownership is
  // bookkeeping, not an OS mutex, so a guard may be moved to and released on
  // another thread. It must not outlive its KeyedMutex.
  class Guard {
   public:
    Guard() noexcept = default;  // holds nothing
    Guard(Guard&& other) noexcept;
    Guard& operator=(Guard&& other) noexcept;  // releases what this held first
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    ~Guard();

    void unlock() noexcept;  // early release; a no-op when holding nothing
    bool owns_lock() const noexcept { return owner_ != nullptr; }
    explicit operator bool() const noexcept { return owns_lock(); }

   private:
    friend class KeyedMutex;
    Guard(KeyedMutex* owner, std::vector<Slot*> slots) noexcept;

    KeyedMutex* owner_ = nullptr;
    std::vector<Slot*> slots_;
  };

  KeyedMutex() = default;
  KeyedMutex(const KeyedMutex&) = delete;
  KeyedMutex& operator=(const KeyedMutex&) = delete;
  ~KeyedMutex();  // every guard must have been released

  // Blocks until the key is free. A discarded guard would unlock at once.
  [[nodiscard]] Guard lock(const std::string& key);
  // Sorts and de-duplicates `keys`, then takes them in that order, holding
  // the earlier ones while waiting for later ones. An empty batch returns a
  // guard that holds nothing (and still counts as an acquisition).
  [[nodiscard]] Guard lock_all(std::vector<std::string> keys);

  std::size_t size() const;  // entries alive: keys held or waited for
  LockMetrics metrics() const;

 private:
  Slot* acquire(std::unique_lock<std::mutex>& lock, const std::string& key, bool& counted_waiting);
  void release_locked(const std::vector<Slot*>& slots) noexcept;
  void release(const std::vector<Slot*>& slots) noexcept;

  mutable std::mutex mutex_;  // guards entries_ and waiting_; never held while blocked
  Map entries_;
  std::size_t waiting_ = 0;
  LatencyHistogram wait_;
};

}  // namespace truce
