#pragma once
// An idempotency store in memory, for one process (and for the browser, where
// it is the only one). Bounded: past max_entries or max_bytes it evicts the
// least recently used *completed* records; it never evicts a claim in
// progress, and refuses new claims with LIMIT_EXCEEDED when only claims in
// progress are left to evict.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "truce/idempotency_store.hpp"
#include "truce/mutex.hpp"

namespace truce {

struct MemoryStoreLimits {
  std::size_t max_entries = 100000;
  std::size_t max_bytes = 64u << 20;
};

class MemoryIdempotencyStore final : public IdempotencyStore {
 public:
  explicit MemoryIdempotencyStore(MemoryStoreLimits limits = {});
  ~MemoryIdempotencyStore() override;
  MemoryIdempotencyStore(const MemoryIdempotencyStore&) = delete;
  MemoryIdempotencyStore& operator=(const MemoryIdempotencyStore&) = delete;

  ClaimResult claim(ClaimRequest request) override;
  bool complete(const std::string& scope, const std::string& key, const std::string& token,
                const StoredResponse& response, UnixMs expires_at) override;
  bool release(const std::string& scope, const std::string& key, const std::string& token) override;
  std::optional<IdempotencyRecord> find(const std::string& scope, const std::string& key) override;
  std::size_t purge_expired(UnixMs now) override;

  std::size_t size() const;
  std::size_t bytes() const;

 private:
  // Each record lives in a node of its own, so the index and the LRU list can
  // hold plain pointers that never move.
  struct Entry {
    IdempotencyRecord record;
    std::size_t hash = 0;
    std::size_t bytes = 0;
    bool in_lru = false;  // completed records only
    Entry* older = nullptr;
    Entry* newer = nullptr;
  };
  // The index is a flat open-addressing table (linear probing, at most half
  // full) carrying each entry's hash: a lookup touches one slot run and one
  // entry, where a node-based std::unordered_map cost several cache misses
  // per lookup (a third of the ledger's time in bench/idempotency_bench.cpp).
  struct Slot {
    std::size_t hash = 0;
    Entry* entry = nullptr;
  };

  static std::size_t hash_of(std::string_view scope, std::string_view key);
  static std::size_t size_of(const IdempotencyRecord& record);
  Entry* lookup(std::size_t hash, const std::string& scope, const std::string& key) const;
  void insert(Entry* entry);
  void erase(Entry* entry);
  void grow();
  void lru_unlink(Entry* entry);
  void lru_append(Entry* entry);
  // Evicts completed records, oldest use first, until `bytes` more bytes and
  // `entries` more entries fit; false when they cannot.
  bool make_room(std::size_t bytes, std::size_t entries);

  MemoryStoreLimits limits_;
  mutable Mutex mutex_;
  std::vector<Slot> slots_;  // size: a power of two
  std::size_t count_ = 0;
  std::size_t bytes_ = 0;
  Entry* oldest_ = nullptr;  // LRU list of completed records
  Entry* newest_ = nullptr;
};

}  // namespace truce
