#include "truce/memory_idempotency_store.hpp"

#include <functional>
#include <memory>
#include <utility>

#include "truce/error.hpp"
#include "truce/json.hpp"

namespace truce {

namespace {

constexpr std::size_t kInitialSlots = 16;

// Byte accounting only needs to be close: headers are name -> string.
std::size_t headers_size(const Document& headers) {
  if (!headers.is_object()) return to_json_text(headers).size();
  std::size_t bytes = 2;
  for (const auto& [name, value] : headers.items()) {
    bytes +=
        name.size() + 6 + (value.is_string() ? value.get_ref<const std::string&>().size() : to_json_text(value).size());
  }
  return bytes;
}

}  // namespace

MemoryIdempotencyStore::MemoryIdempotencyStore(MemoryStoreLimits limits) : limits_(limits), slots_(kInitialSlots) {}

MemoryIdempotencyStore::~MemoryIdempotencyStore() {
  for (const Slot& slot : slots_) delete slot.entry;
}

std::size_t MemoryIdempotencyStore::hash_of(std::string_view scope, std::string_view key) {
  const std::size_t h = std::hash<std::string_view>{}(scope);
  return std::hash<std::string_view>{}(key) ^ (h + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
}

std::size_t MemoryIdempotencyStore::size_of(const IdempotencyRecord& record) {
  constexpr std::size_t kOverhead = 160;  // entry node, index slot, fixed fields
  std::size_t bytes =
      kOverhead + record.scope.size() + record.key.size() + record.fingerprint.size() + record.token.size();
  if (record.response) bytes += record.response->body.size() + headers_size(record.response->headers);
  return bytes;
}

MemoryIdempotencyStore::Entry* MemoryIdempotencyStore::lookup(std::size_t hash, const std::string& scope,
                                                              const std::string& key) const {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask; slots_[i].entry; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.hash == hash && slot.entry->record.key == key && slot.entry->record.scope == scope) return slot.entry;
  }
  return nullptr;
}

void MemoryIdempotencyStore::insert(Entry* entry) {
  if ((count_ + 1) * 2 > slots_.size()) grow();
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = entry->hash & mask;
  while (slots_[i].entry) i = (i + 1) & mask;
  slots_[i] = {entry->hash, entry};
  ++count_;
  bytes_ += entry->bytes;
}

void MemoryIdempotencyStore::grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (!slot.entry) continue;
    std::size_t i = slot.hash & mask;
    while (slots_[i].entry) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

void MemoryIdempotencyStore::erase(Entry* entry) {
  const std::size_t mask = slots_.size() - 1;
  std::size_t hole = entry->hash & mask;
  while (slots_[hole].entry != entry) hole = (hole + 1) & mask;
  // Backward-shift deletion: pull later members of the run into the hole
  // when their home slot allows it, so lookups never need tombstones.
  for (std::size_t j = (hole + 1) & mask; slots_[j].entry; j = (j + 1) & mask) {
    const std::size_t home = slots_[j].hash & mask;
    const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (!stays) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole] = {};
  lru_unlink(entry);
  --count_;
  bytes_ -= entry->bytes;
  delete entry;
}

void MemoryIdempotencyStore::lru_unlink(Entry* entry) {
  if (!entry->in_lru) return;
  (entry->older ? entry->older->newer : oldest_) = entry->newer;
  (entry->newer ? entry->newer->older : newest_) = entry->older;
  entry->older = entry->newer = nullptr;
  entry->in_lru = false;
}

void MemoryIdempotencyStore::lru_append(Entry* entry) {
  lru_unlink(entry);
  entry->older = newest_;
  (newest_ ? newest_->newer : oldest_) = entry;
  newest_ = entry;
  entry->in_lru = true;
}

bool MemoryIdempotencyStore::make_room(std::size_t bytes, std::size_t entries) {
  while (count_ + entries > limits_.max_entries || bytes_ + bytes > limits_.max_bytes) {
    if (!oldest_) return false;
    erase(oldest_);
  }
  return true;
}

ClaimResult MemoryIdempotencyStore::claim(ClaimRequest request) {
  std::lock_guard<Mutex> lock(mutex_);
  const std::size_t hash = hash_of(request.scope, request.key);
  if (Entry* existing = lookup(hash, request.scope, request.key)) {
    const IdempotencyRecord& record = existing->record;
    const bool expired = record.expires_at <= request.now;
    const bool lease_over = record.state == IdempotencyRecord::State::InProgress && record.lease_until <= request.now &&
                            record.fingerprint == request.fingerprint;
    if (!expired && !lease_over) {
      if (existing->in_lru) lru_append(existing);
      return {false, record};
    }
    erase(existing);
  }
  auto entry = std::make_unique<Entry>();
  IdempotencyRecord& record = entry->record;
  record.scope = std::move(request.scope);
  record.key = std::move(request.key);
  record.fingerprint = std::move(request.fingerprint);
  record.token = std::move(request.token);
  record.lease_until = request.lease_until;
  record.expires_at = request.expires_at;
  entry->hash = hash;
  entry->bytes = size_of(record);
  if (!make_room(entry->bytes, 1)) {
    throw Error(Code::LimitExceeded, "The idempotency store is full of requests still in progress",
                {{"limit", "idempotency_entries"}, {"max", limits_.max_entries}});
  }
  insert(entry.release());
  return {true, std::nullopt};
}

bool MemoryIdempotencyStore::complete(const std::string& scope, const std::string& key, const std::string& token,
                                      const StoredResponse& response, UnixMs expires_at) {
  std::lock_guard<Mutex> lock(mutex_);
  Entry* entry = lookup(hash_of(scope, key), scope, key);
  if (!entry || entry->record.state != IdempotencyRecord::State::InProgress || entry->record.token != token)
    return false;
  const std::size_t extra = response.body.size() + headers_size(response.headers);
  // Room for the response, evicting other completed records; this claim is
  // not in the LRU list, so it cannot evict itself.
  if (!make_room(extra, 0)) {
    throw Error(Code::LimitExceeded, "The response is too large for the idempotency store",
                {{"limit", "idempotency_bytes"}, {"max", limits_.max_bytes}});
  }
  entry->record.state = IdempotencyRecord::State::Completed;
  entry->record.response = response;
  entry->record.expires_at = expires_at;
  entry->bytes += extra;
  bytes_ += extra;
  lru_append(entry);
  return true;
}

bool MemoryIdempotencyStore::release(const std::string& scope, const std::string& key, const std::string& token) {
  std::lock_guard<Mutex> lock(mutex_);
  Entry* entry = lookup(hash_of(scope, key), scope, key);
  if (!entry || entry->record.state != IdempotencyRecord::State::InProgress || entry->record.token != token)
    return false;
  erase(entry);
  return true;
}

std::optional<IdempotencyRecord> MemoryIdempotencyStore::find(const std::string& scope, const std::string& key) {
  std::lock_guard<Mutex> lock(mutex_);
  const Entry* entry = lookup(hash_of(scope, key), scope, key);
  if (!entry) return std::nullopt;
  return entry->record;
}

std::size_t MemoryIdempotencyStore::purge_expired(UnixMs now) {
  std::lock_guard<Mutex> lock(mutex_);
  std::vector<Entry*> expired;
  for (const Slot& slot : slots_)
    if (slot.entry && slot.entry->record.expires_at <= now) expired.push_back(slot.entry);
  for (Entry* entry : expired) erase(entry);
  return expired.size();
}

std::size_t MemoryIdempotencyStore::size() const {
  std::lock_guard<Mutex> lock(mutex_);
  return count_;
}

std::size_t MemoryIdempotencyStore::bytes() const {
  std::lock_guard<Mutex> lock(mutex_);
  return bytes_;
}

}  // namespace truce
