#include "truce/sqlite_idempotency_store.hpp"

#include <optional>
#include <utility>

#include "claim_or_report.hpp"
#include "sqlite_connection.hpp"
#include "truce/error.hpp"
#include "truce/json.hpp"

namespace truce {
namespace {

using sqlite::Statement;

constexpr const char* kSelect =
    "SELECT scope, key, fingerprint, state, token, lease_until, expires_at, status, headers, body "
    "FROM truce_idempotency WHERE scope = ?1 AND key = ?2";

IdempotencyRecord read_record(const Statement& row) {
  IdempotencyRecord record;
  record.scope = row.text(0);
  record.key = row.text(1);
  record.fingerprint = row.text(2);
  record.state = row.integer(3) == 1 ? IdempotencyRecord::State::Completed : IdempotencyRecord::State::InProgress;
  record.token = row.text(4);
  record.lease_until = row.integer(5);
  record.expires_at = row.integer(6);
  if (record.state == IdempotencyRecord::State::Completed) {
    StoredResponse response;
    response.status = static_cast<int>(row.integer(7));
    response.headers = row.is_null(8) ? Document::object() : parse_json(row.text(8));
    response.body = row.text(9);
    record.response = std::move(response);
  }
  return record;
}

}  // namespace

SqliteIdempotencyStore::SqliteIdempotencyStore(const std::string& path, SqliteStoreOptions options)
    : connection_(std::make_unique<sqlite::Connection>(path, options.busy_timeout)) {}

SqliteIdempotencyStore::~SqliteIdempotencyStore() = default;

bool SqliteIdempotencyStore::try_claim(const ClaimRequest& request) {
  static const char* const kUpsert = R"sql(
    INSERT INTO truce_idempotency (scope, key, fingerprint, state, token, lease_until, expires_at)
    VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6)
    ON CONFLICT (scope, key) DO UPDATE SET
      fingerprint = excluded.fingerprint, state = 0, token = excluded.token,
      lease_until = excluded.lease_until, expires_at = excluded.expires_at,
      status = NULL, headers = NULL, body = NULL
    WHERE truce_idempotency.expires_at <= ?7
       OR (truce_idempotency.state = 0 AND truce_idempotency.lease_until <= ?7
           AND truce_idempotency.fingerprint = excluded.fingerprint)
    RETURNING token)sql";
  Statement upsert(*connection_, kUpsert);
  upsert.bind(1, request.scope).bind(2, request.key).bind(3, request.fingerprint).bind(4, request.token);
  upsert.bind(5, request.lease_until).bind(6, request.expires_at).bind(7, request.now);
  const bool claimed = upsert.step() && upsert.text(0) == request.token;
  while (upsert.step()) {
  }
  return claimed;
}

ClaimResult SqliteIdempotencyStore::claim(ClaimRequest request) {
  std::lock_guard<std::mutex> lock(mutex_);
  return detail::claim_or_report(
      request, [this](const ClaimRequest& r) { return try_claim(r); },
      [this] { return sqlite::Transaction(*connection_); },
      [this](const std::string& scope, const std::string& key) { return find_locked(scope, key); });
}

bool SqliteIdempotencyStore::complete(const std::string& scope, const std::string& key, const std::string& token,
                                      const StoredResponse& response, UnixMs expires_at) {
  std::lock_guard<std::mutex> lock(mutex_);
  return sqlite::complete_idempotency_record(*connection_, scope, key, token, response, expires_at);
}

bool SqliteIdempotencyStore::release(const std::string& scope, const std::string& key, const std::string& token) {
  std::lock_guard<std::mutex> lock(mutex_);
  static const char* const kRelease =
      "DELETE FROM truce_idempotency WHERE scope = ?1 AND key = ?2 AND state = 0 AND token = ?3";
  Statement remove(*connection_, kRelease);
  remove.bind(1, scope).bind(2, key).bind(3, token);
  remove.step();
  return sqlite3_changes(connection_->get()) == 1;
}

std::optional<IdempotencyRecord> SqliteIdempotencyStore::find(const std::string& scope, const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  return find_locked(scope, key);
}

std::optional<IdempotencyRecord> SqliteIdempotencyStore::find_locked(const std::string& scope, const std::string& key) {
  Statement select(*connection_, kSelect);
  select.bind(1, scope).bind(2, key);
  if (!select.step()) return std::nullopt;
  return read_record(select);
}

// No index on expires_at: keeping one up to date cost a third of the claims
// per second (bench/results/idempotency.md). Purging walks the primary key
// instead, a chunk of rows per transaction, so claims wait for one short
// chunk at most rather than for the whole table.
std::size_t SqliteIdempotencyStore::purge_expired(UnixMs now) {
  static const char* const kChunkEnd =
      "SELECT scope, key FROM truce_idempotency WHERE (scope, key) >= (?1, ?2) "
      "ORDER BY scope, key LIMIT 1 OFFSET 1000";
  static const char* const kPurgeChunk =
      "DELETE FROM truce_idempotency WHERE (scope, key) >= (?1, ?2) AND (scope, key) < (?3, ?4) "
      "AND expires_at <= ?5";
  static const char* const kPurgeRest =
      "DELETE FROM truce_idempotency WHERE (scope, key) >= (?1, ?2) AND expires_at <= ?3";
  std::size_t purged = 0;
  std::string from_scope, from_key;  // ('', '') sorts before every row
  for (;;) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::optional<std::pair<std::string, std::string>> end;
    {
      Statement chunk_end(*connection_, kChunkEnd);
      chunk_end.bind(1, from_scope).bind(2, from_key);
      if (chunk_end.step()) end.emplace(chunk_end.text(0), chunk_end.text(1));
    }
    if (!end) {
      Statement remove(*connection_, kPurgeRest);
      remove.bind(1, from_scope).bind(2, from_key).bind(3, now);
      remove.step();
      return purged + static_cast<std::size_t>(sqlite3_changes(connection_->get()));
    }
    Statement remove(*connection_, kPurgeChunk);
    remove.bind(1, from_scope).bind(2, from_key).bind(3, end->first).bind(4, end->second).bind(5, now);
    remove.step();
    purged += static_cast<std::size_t>(sqlite3_changes(connection_->get()));
    from_scope = std::move(end->first);
    from_key = std::move(end->second);
  }
}

}  // namespace truce
