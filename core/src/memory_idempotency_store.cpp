#include "truce/memory_idempotency_store.hpp"

#include "truce/error.hpp"
#include "truce/json.hpp"

namespace truce {

std::size_t MemoryIdempotencyStore::size_of(const IdempotencyRecord& record) {
  constexpr std::size_t kOverhead = 160;  // map node, list node, fixed fields
  std::size_t bytes = kOverhead + 2 * (record.scope.size() + record.key.size()) + record.fingerprint.size() +
                      record.token.size();
  if (record.response) bytes += record.response->body.size() + to_json_text(record.response->headers).size();
  return bytes;
}

MemoryIdempotencyStore::Id MemoryIdempotencyStore::id_of(const std::string& scope, const std::string& key) {
  return std::to_string(scope.size()) + ':' + scope + key;
}

void MemoryIdempotencyStore::erase(std::unordered_map<Id, Entry>::iterator it) {
  if (it->second.lru != lru_.end()) lru_.erase(it->second.lru);
  bytes_ -= it->second.bytes;
  entries_.erase(it);
}

void MemoryIdempotencyStore::touch(Entry& entry, const Id& id) {
  if (entry.lru != lru_.end()) lru_.erase(entry.lru);
  entry.lru = lru_.insert(lru_.end(), id);
}

bool MemoryIdempotencyStore::make_room(std::size_t bytes, std::size_t entries) {
  while (entries_.size() + entries > limits_.max_entries || bytes_ + bytes > limits_.max_bytes) {
    if (lru_.empty()) return false;
    erase(entries_.find(lru_.front()));
  }
  return true;
}

ClaimResult MemoryIdempotencyStore::claim(const ClaimRequest& request) {
  std::lock_guard<std::mutex> lock(mutex_);
  Id id = id_of(request.scope, request.key);
  if (auto it = entries_.find(id); it != entries_.end()) {
    const IdempotencyRecord& record = it->second.record;
    const bool expired = record.expires_at <= request.now;
    const bool lease_over = record.state == IdempotencyRecord::State::InProgress &&
                            record.lease_until <= request.now && record.fingerprint == request.fingerprint;
    if (!expired && !lease_over) {
      if (it->second.lru != lru_.end()) touch(it->second, id);
      return {false, record};
    }
    erase(it);
  }
  IdempotencyRecord record;
  record.scope = request.scope;
  record.key = request.key;
  record.fingerprint = request.fingerprint;
  record.token = request.token;
  record.lease_until = request.lease_until;
  record.expires_at = request.expires_at;
  const std::size_t bytes = size_of(record);
  if (!make_room(bytes, 1)) {
    throw Error(Code::LimitExceeded, "The idempotency store is full of requests still in progress",
                {{"limit", "idempotency_entries"}, {"max", limits_.max_entries}});
  }
  Entry entry{std::move(record), bytes, lru_.end()};
  entries_.emplace(std::move(id), std::move(entry));
  bytes_ += bytes;
  return {true, std::nullopt};
}

bool MemoryIdempotencyStore::complete(const std::string& scope, const std::string& key, const std::string& token,
                                      const StoredResponse& response, UnixMs expires_at) {
  std::lock_guard<std::mutex> lock(mutex_);
  const Id id = id_of(scope, key);
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.record.state != IdempotencyRecord::State::InProgress ||
      it->second.record.token != token)
    return false;
  const std::size_t extra = response.body.size() + to_json_text(response.headers).size();
  // Room for the response, evicting other completed records; this claim is
  // not in the LRU list, so it cannot evict itself (nor move: unordered_map
  // erasures leave other elements where they are).
  if (!make_room(extra, 0)) {
    throw Error(Code::LimitExceeded, "The response is too large for the idempotency store",
                {{"limit", "idempotency_bytes"}, {"max", limits_.max_bytes}});
  }
  Entry& entry = it->second;
  entry.record.state = IdempotencyRecord::State::Completed;
  entry.record.response = response;
  entry.record.expires_at = expires_at;
  entry.bytes += extra;
  bytes_ += extra;
  touch(entry, id);
  return true;
}

bool MemoryIdempotencyStore::release(const std::string& scope, const std::string& key, const std::string& token) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find(id_of(scope, key));
  if (it == entries_.end() || it->second.record.state != IdempotencyRecord::State::InProgress ||
      it->second.record.token != token)
    return false;
  erase(it);
  return true;
}

std::optional<IdempotencyRecord> MemoryIdempotencyStore::find(const std::string& scope, const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find(id_of(scope, key));
  if (it == entries_.end()) return std::nullopt;
  return it->second.record;
}

std::size_t MemoryIdempotencyStore::purge_expired(UnixMs now) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t purged = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    const auto next = std::next(it);
    if (it->second.record.expires_at <= now) {
      erase(it);
      ++purged;
    }
    it = next;
  }
  return purged;
}

std::size_t MemoryIdempotencyStore::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

std::size_t MemoryIdempotencyStore::bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_;
}

}  // namespace truce
