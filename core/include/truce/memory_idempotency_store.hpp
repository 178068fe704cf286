#pragma once
// An idempotency store in memory, for one process (and for the browser, where
// it is the only one). Bounded: past max_entries or max_bytes it evicts the
// least recently used *completed* records; it never evicts a claim in
// progress, and refuses new claims with LIMIT_EXCEEDED when only claims in
// progress are left to evict.

#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>
#include <mutex>
#include <utility>

#include "truce/idempotency_store.hpp"

namespace truce {

struct MemoryStoreLimits {
  std::size_t max_entries = 100000;
  std::size_t max_bytes = 64u << 20;
};

class MemoryIdempotencyStore final : public IdempotencyStore {
 public:
  explicit MemoryIdempotencyStore(MemoryStoreLimits limits = {}) : limits_(limits) {}

  ClaimResult claim(const ClaimRequest& request) override;
  bool complete(const std::string& scope, const std::string& key, const std::string& token,
                const StoredResponse& response, UnixMs expires_at) override;
  bool release(const std::string& scope, const std::string& key, const std::string& token) override;
  std::optional<IdempotencyRecord> find(const std::string& scope, const std::string& key) override;
  std::size_t purge_expired(UnixMs now) override;

  std::size_t size() const;
  std::size_t bytes() const;

 private:
  // (scope, key) as one string: the scope's length, ':', the scope, the key.
  using Id = std::string;
  static Id id_of(const std::string& scope, const std::string& key);
  struct Entry {
    IdempotencyRecord record;
    std::size_t bytes = 0;
    std::list<Id>::iterator lru;  // completed records only; end() while in progress
  };

  static std::size_t size_of(const IdempotencyRecord& record);
  void erase(std::unordered_map<Id, Entry>::iterator it);
  void touch(Entry& entry, const Id& id);
  // Evicts completed records, oldest use first, until `bytes` more bytes and
  // `entries` more entries fit; false when they cannot.
  bool make_room(std::size_t bytes, std::size_t entries);

  MemoryStoreLimits limits_;
  mutable std::mutex mutex_;
  std::unordered_map<Id, Entry> entries_;
  std::list<Id> lru_;  // completed records, least recently used first
  std::size_t bytes_ = 0;
};

}  // namespace truce
