#pragma once
// The idempotency store on SQLite: the embedded default for one host (or a
// few processes on one machine sharing the file). WAL mode, so readers never
// wait for the writer; every claim is one INSERT … ON CONFLICT DO UPDATE …
// WHERE inside an IMMEDIATE transaction, so two processes can never both win.
// Records survive a restart.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "truce/idempotency_store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace truce {

struct SqliteStoreOptions {
  // How long a statement waits for another connection's write lock before
  // failing with STORE_UNAVAILABLE.
  std::chrono::milliseconds busy_timeout = std::chrono::seconds(10);
};

class SqliteIdempotencyStore final : public IdempotencyStore {
 public:
  // Opens (or creates) the database file and its table. STORE_UNAVAILABLE
  // when the file cannot be opened.
  explicit SqliteIdempotencyStore(const std::string& path, SqliteStoreOptions options = {});
  ~SqliteIdempotencyStore() override;
  SqliteIdempotencyStore(const SqliteIdempotencyStore&) = delete;
  SqliteIdempotencyStore& operator=(const SqliteIdempotencyStore&) = delete;

  ClaimResult claim(ClaimRequest request) override;
  bool complete(const std::string& scope, const std::string& key, const std::string& token,
                const StoredResponse& response, UnixMs expires_at) override;
  bool release(const std::string& scope, const std::string& key, const std::string& token) override;
  std::optional<IdempotencyRecord> find(const std::string& scope, const std::string& key) override;
  std::size_t purge_expired(UnixMs now) override;

 private:
  // One conditional upsert; true when it took the claim.
  bool try_claim(const ClaimRequest& request);
  std::optional<IdempotencyRecord> find_locked(const std::string& scope, const std::string& key);
  // Prepared once per connection and reused: preparing cost more than running.
  sqlite3_stmt* statement(const char* sql);

  std::string path_;
  sqlite3* db_ = nullptr;
  std::mutex mutex_;  // one connection: one statement at a time
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

}  // namespace truce
