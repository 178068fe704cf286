#pragma once
// The idempotency store on SQLite: the embedded default for one host (or a
// few processes on one machine sharing the file). WAL mode, so readers never
// wait for the writer; every claim is one INSERT … ON CONFLICT DO UPDATE …
// WHERE, atomic on its own, so two processes can never both win. Records
// survive a restart. The file may be shared with a SqliteDocumentStore, whose
// writes complete their idempotency record in the same transaction.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "truce/idempotency_store.hpp"

namespace truce {
namespace sqlite {
class Connection;
}

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

  std::unique_ptr<sqlite::Connection> connection_;
  std::mutex mutex_;  // one connection: one statement at a time
};

}  // namespace truce
