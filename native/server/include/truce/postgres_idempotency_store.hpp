#pragma once
// The idempotency store on PostgreSQL (libpq), for several server processes
// sharing one database. Same table shape and guarantees as the SQLite store:
// a claim is one INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING, which
// PostgreSQL runs atomically under the row's lock, so exactly one of any
// number of racing requests wins.

#include <memory>
#include <mutex>
#include <string>

#include "truce/idempotency_store.hpp"

namespace truce {
namespace postgres {
class Connection;
}

class PostgresIdempotencyStore final : public IdempotencyStore {
 public:
  // `conninfo` is a libpq connection string ("host=… port=… dbname=…" or a
  // postgresql:// URI). Creates the table if it is missing.
  // STORE_UNAVAILABLE when the server cannot be reached.
  explicit PostgresIdempotencyStore(const std::string& conninfo);
  ~PostgresIdempotencyStore() override;
  PostgresIdempotencyStore(const PostgresIdempotencyStore&) = delete;
  PostgresIdempotencyStore& operator=(const PostgresIdempotencyStore&) = delete;

  ClaimResult claim(ClaimRequest request) override;
  bool complete(const std::string& scope, const std::string& key, const std::string& token,
                const StoredResponse& response, UnixMs expires_at) override;
  bool release(const std::string& scope, const std::string& key, const std::string& token) override;
  std::optional<IdempotencyRecord> find(const std::string& scope, const std::string& key) override;
  std::size_t purge_expired(UnixMs now) override;

 private:
  // One conditional upsert; true when it took the claim.
  bool try_claim(const ClaimRequest& request);

  std::unique_ptr<postgres::Connection> connection_;
  std::mutex mutex_;  // one connection: one command at a time
};

}  // namespace truce
