#include "truce/sqlite_idempotency_store.hpp"

#include <sqlite3.h>

#include <optional>
#include <utility>

#include "truce/error.hpp"
#include "truce/json.hpp"

namespace truce {
namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  const int code = db ? sqlite3_extended_errcode(db) : SQLITE_CANTOPEN;
  throw Error(Code::StoreUnavailable,
              "SQLite idempotency store: " + what + ": " + (db ? sqlite3_errmsg(db) : "no database"),
              {{"store", "sqlite"}, {"sqliteCode", code}});
}

// One use of a cached prepared statement: reset and unbound on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const std::string& text) {
    check(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(stmt_, index, value));
    return *this;
  }
  Statement& bind_blob(int index, const std::string& bytes) {
    check(sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT));
    return *this;
  }
  // True while there is a row to read.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, "step");
  }
  std::string text(int column) const {
    const auto* data = sqlite3_column_blob(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    return data ? std::string(static_cast<const char*>(data), static_cast<std::size_t>(size)) : std::string();
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) fail(db_, "bind");
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

void exec(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(db, sql);
}

// BEGIN IMMEDIATE takes the write lock up front, so a claim's read of the
// row and its write are one atomic step for every other connection.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { exec(db, "BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    exec(db_, "COMMIT");
    done_ = true;
  }

 private:
  sqlite3* db_;
  bool done_ = false;
};

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS truce_idempotency (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  state INTEGER NOT NULL,        -- 0 in progress, 1 completed
  token TEXT NOT NULL,
  lease_until INTEGER NOT NULL,  -- Unix ms
  expires_at INTEGER NOT NULL,   -- Unix ms
  status INTEGER,
  headers TEXT,
  body BLOB,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
)sql";

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

SqliteIdempotencyStore::SqliteIdempotencyStore(const std::string& path, SqliteStoreOptions options) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(Code::StoreUnavailable, "SQLite idempotency store: cannot open " + path + ": " + message,
                {{"store", "sqlite"}});
  }
  try {
    sqlite3_busy_timeout(db_, static_cast<int>(options.busy_timeout.count()));
    exec(db_, "PRAGMA journal_mode = WAL");
    exec(db_, "PRAGMA synchronous = NORMAL");  // durable across process crashes; WAL keeps it consistent
    exec(db_, kSchema);
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

SqliteIdempotencyStore::~SqliteIdempotencyStore() {
  for (const auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

sqlite3_stmt* SqliteIdempotencyStore::statement(const char* sql) {
  auto& stmt = statements_[sql];
  if (!stmt && sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    statements_.erase(sql);
    fail(db_, "prepare");
  }
  return stmt;
}

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
  Statement upsert(db_, statement(kUpsert));
  upsert.bind(1, request.scope).bind(2, request.key).bind(3, request.fingerprint).bind(4, request.token);
  upsert.bind(5, request.lease_until).bind(6, request.expires_at).bind(7, request.now);
  const bool claimed = upsert.step() && upsert.text(0) == request.token;
  while (upsert.step()) {
  }
  return claimed;
}

ClaimResult SqliteIdempotencyStore::claim(ClaimRequest request) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Most claims are for new keys, and the upsert alone is atomic: one
  // statement, one transaction.
  if (try_claim(request)) return {true, std::nullopt};
  // Something stood in the way: try again inside a write transaction that
  // also reads it, so the record reported is the one that refused the claim.
  Transaction transaction(db_);
  ClaimResult result;
  result.claimed = try_claim(request);
  if (!result.claimed) result.existing = find_locked(request.scope, request.key);
  transaction.commit();
  return result;
}

bool SqliteIdempotencyStore::complete(const std::string& scope, const std::string& key, const std::string& token,
                                      const StoredResponse& response, UnixMs expires_at) {
  std::lock_guard<std::mutex> lock(mutex_);
  static const char* const kComplete = R"sql(
    UPDATE truce_idempotency SET state = 1, status = ?1, headers = ?2, body = ?3, expires_at = ?4
    WHERE scope = ?5 AND key = ?6 AND state = 0 AND token = ?7)sql";
  Statement update(db_, statement(kComplete));
  update.bind(1, static_cast<std::int64_t>(response.status)).bind(2, to_json_text(response.headers));
  update.bind_blob(3, response.body).bind(4, expires_at).bind(5, scope).bind(6, key).bind(7, token);
  update.step();
  return sqlite3_changes(db_) == 1;
}

bool SqliteIdempotencyStore::release(const std::string& scope, const std::string& key, const std::string& token) {
  std::lock_guard<std::mutex> lock(mutex_);
  static const char* const kRelease =
      "DELETE FROM truce_idempotency WHERE scope = ?1 AND key = ?2 AND state = 0 AND token = ?3";
  Statement remove(db_, statement(kRelease));
  remove.bind(1, scope).bind(2, key).bind(3, token);
  remove.step();
  return sqlite3_changes(db_) == 1;
}

std::optional<IdempotencyRecord> SqliteIdempotencyStore::find(const std::string& scope, const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  return find_locked(scope, key);
}

std::optional<IdempotencyRecord> SqliteIdempotencyStore::find_locked(const std::string& scope, const std::string& key) {
  Statement select(db_, statement(kSelect));
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
      Statement chunk_end(db_, statement(kChunkEnd));
      chunk_end.bind(1, from_scope).bind(2, from_key);
      if (chunk_end.step()) end.emplace(chunk_end.text(0), chunk_end.text(1));
    }
    if (!end) {
      Statement remove(db_, statement(kPurgeRest));
      remove.bind(1, from_scope).bind(2, from_key).bind(3, now);
      remove.step();
      return purged + static_cast<std::size_t>(sqlite3_changes(db_));
    }
    Statement remove(db_, statement(kPurgeChunk));
    remove.bind(1, from_scope).bind(2, from_key).bind(3, end->first).bind(4, end->second).bind(5, now);
    remove.step();
    purged += static_cast<std::size_t>(sqlite3_changes(db_));
    from_scope = std::move(end->first);
    from_key = std::move(end->second);
  }
}

}  // namespace truce
