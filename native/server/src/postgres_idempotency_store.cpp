#include "truce/postgres_idempotency_store.hpp"

#include <libpq-fe.h>

#include <memory>
#include <string>

#include "claim_or_report.hpp"
#include "postgres_connection.hpp"
#include "truce/error.hpp"
#include "truce/json.hpp"

namespace truce {
namespace {

using postgres::field;
using postgres::number;
using postgres::Result;
using postgres::text;

constexpr const char* kSelect =
    "SELECT scope, key, fingerprint, state, token, lease_until, expires_at, status, headers, body "
    "FROM truce_idempotency WHERE scope = $1 AND key = $2";

IdempotencyRecord read_record(const postgres::Connection& connection, const PGresult* row) {
  IdempotencyRecord record;
  record.scope = field(row, 0);
  record.key = field(row, 1);
  record.fingerprint = field(row, 2);
  record.state = field(row, 3) == "1" ? IdempotencyRecord::State::Completed : IdempotencyRecord::State::InProgress;
  record.token = field(row, 4);
  record.lease_until = std::stoll(field(row, 5));
  record.expires_at = std::stoll(field(row, 6));
  if (record.state == IdempotencyRecord::State::Completed) {
    StoredResponse response;
    response.status = std::stoi(field(row, 7));
    response.headers = PQgetisnull(row, 0, 8) ? Document::object() : parse_json(field(row, 8));
    std::size_t size = 0;
    unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(row, 0, 9)), &size);
    if (!bytes) connection.fail("decoding a stored body");
    response.body.assign(reinterpret_cast<const char*>(bytes), size);
    PQfreemem(bytes);
    record.response = std::move(response);
  }
  return record;
}

std::optional<IdempotencyRecord> select_record(postgres::Connection& connection, const std::string& scope,
                                               const std::string& key) {
  const Result result = connection.execute(kSelect, {text(scope), text(key)});
  if (PQntuples(result.get()) == 0) return std::nullopt;
  return read_record(connection, result.get());
}

}  // namespace

PostgresIdempotencyStore::PostgresIdempotencyStore(const std::string& conninfo)
    : connection_(std::make_unique<postgres::Connection>(conninfo)) {}

PostgresIdempotencyStore::~PostgresIdempotencyStore() = default;

bool PostgresIdempotencyStore::try_claim(const ClaimRequest& request) {
  static const char* const kUpsert = R"sql(
    INSERT INTO truce_idempotency AS t (scope, key, fingerprint, state, token, lease_until, expires_at)
    VALUES ($1, $2, $3, 0, $4, $5, $6)
    ON CONFLICT (scope, key) DO UPDATE SET
      fingerprint = excluded.fingerprint, state = 0, token = excluded.token,
      lease_until = excluded.lease_until, expires_at = excluded.expires_at,
      status = NULL, headers = NULL, body = NULL
    WHERE t.expires_at <= $7
       OR (t.state = 0 AND t.lease_until <= $7 AND t.fingerprint = excluded.fingerprint)
    RETURNING token)sql";
  const Result upsert = connection_->execute(
      kUpsert, {text(request.scope), text(request.key), text(request.fingerprint), text(request.token),
                number(request.lease_until), number(request.expires_at), number(request.now)});
  return PQntuples(upsert.get()) == 1 && field(upsert.get(), 0) == request.token;
}

ClaimResult PostgresIdempotencyStore::claim(ClaimRequest request) {
  std::lock_guard<std::mutex> lock(mutex_);
  return detail::claim_or_report(
      request, [this](const ClaimRequest& r) { return try_claim(r); },
      [this] { return postgres::Transaction(*connection_); },
      [this](const std::string& scope, const std::string& key) { return select_record(*connection_, scope, key); });
}

bool PostgresIdempotencyStore::complete(const std::string& scope, const std::string& key, const std::string& token,
                                        const StoredResponse& response, UnixMs expires_at) {
  std::lock_guard<std::mutex> lock(mutex_);
  return postgres::complete_idempotency_record(*connection_, scope, key, token, response, expires_at);
}

bool PostgresIdempotencyStore::release(const std::string& scope, const std::string& key, const std::string& token) {
  std::lock_guard<std::mutex> lock(mutex_);
  static const char* const kRelease =
      "DELETE FROM truce_idempotency WHERE scope = $1 AND key = $2 AND state = 0 AND token = $3";
  const Result remove = connection_->execute(kRelease, {text(scope), text(key), text(token)});
  return postgres::affected(remove.get()) == 1;
}

std::optional<IdempotencyRecord> PostgresIdempotencyStore::find(const std::string& scope, const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  return select_record(*connection_, scope, key);
}

std::size_t PostgresIdempotencyStore::purge_expired(UnixMs now) {
  std::lock_guard<std::mutex> lock(mutex_);
  static const char* const kPurge = "DELETE FROM truce_idempotency WHERE expires_at <= $1";
  const Result remove = connection_->execute(kPurge, {number(now)});
  return postgres::affected(remove.get());
}

}  // namespace truce
