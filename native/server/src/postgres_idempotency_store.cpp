#include "truce/postgres_idempotency_store.hpp"

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "truce/error.hpp"
#include "truce/json.hpp"

namespace truce {
namespace {

[[noreturn]] void fail(PGconn* conn, const std::string& what, const PGresult* result = nullptr) {
  std::string message = result ? PQresultErrorMessage(result) : (conn ? PQerrorMessage(conn) : "no connection");
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  Document details = {{"store", "postgres"}};
  if (result) {
    if (const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE)) details["sqlstate"] = state;
  }
  throw Error(Code::StoreUnavailable, "PostgreSQL idempotency store: " + what + ": " + message, std::move(details));
}

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

// A parameter: text, or bytes sent in binary (a response body need not be UTF-8).
struct Param {
  std::string value;
  bool binary = false;
};

Result checked(PGconn* conn, PGresult* raw) {
  Result result(raw, &PQclear);
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(conn, "query failed", result.get());
  return result;
}

Result run(PGconn* conn, const char* sql) { return checked(conn, PQexec(conn, sql)); }

Param text(const std::string& value) { return {value, false}; }
Param number(std::int64_t value) { return {std::to_string(value), false}; }

std::string field(const PGresult* result, int column) {
  return std::string(PQgetvalue(result, 0, column), static_cast<std::size_t>(PQgetlength(result, 0, column)));
}

// Rolls back unless committed, so an exception never leaves a transaction open.
class Transaction {
 public:
  explicit Transaction(PGconn* conn) : conn_(conn) { run(conn, "BEGIN"); }
  ~Transaction() {
    if (!done_) PQclear(PQexec(conn_, "ROLLBACK"));
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    run(conn_, "COMMIT");
    done_ = true;
  }

 private:
  PGconn* conn_;
  bool done_ = false;
};

constexpr const char* kSelect =
    "SELECT scope, key, fingerprint, state, token, lease_until, expires_at, status, headers, body "
    "FROM truce_idempotency WHERE scope = $1 AND key = $2";

IdempotencyRecord read_record(PGconn* conn, const PGresult* row) {
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
    if (!bytes) fail(conn, "decoding a stored body");
    response.body.assign(reinterpret_cast<const char*>(bytes), size);
    PQfreemem(bytes);
    record.response = std::move(response);
  }
  return record;
}

// Each statement is parsed and planned once per connection: a third of a
// claim's time went to planning the upsert again on every call.
using Prepared = std::unordered_map<const char*, std::string>;

Result execute(PGconn* conn, Prepared& prepared, const char* sql, const std::vector<Param>& params) {
  auto& name = prepared[sql];
  if (name.empty()) {
    const std::string fresh = "truce_" + std::to_string(prepared.size());
    checked(conn, PQprepare(conn, fresh.c_str(), sql, static_cast<int>(params.size()), nullptr));
    name = fresh;
  }
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const auto& p : params) {
    values.push_back(p.value.data());
    lengths.push_back(static_cast<int>(p.value.size()));
    formats.push_back(p.binary ? 1 : 0);
  }
  return checked(conn, PQexecPrepared(conn, name.c_str(), static_cast<int>(params.size()), values.data(),
                                      lengths.data(), formats.data(), 0));
}

std::optional<IdempotencyRecord> select_record(PGconn* conn, Prepared& prepared, const std::string& scope,
                                               const std::string& key) {
  const Result result = execute(conn, prepared, kSelect, {text(scope), text(key)});
  if (PQntuples(result.get()) == 0) return std::nullopt;
  return read_record(conn, result.get());
}

}  // namespace

PostgresIdempotencyStore::PostgresIdempotencyStore(const std::string& conninfo) {
  conn_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string message = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw Error(Code::StoreUnavailable, "PostgreSQL idempotency store: cannot connect: " + message,
                {{"store", "postgres"}});
  }
  try {
    run(conn_, "SET client_min_messages TO warning");  // no NOTICE for an existing table on stderr
    // Several processes may start at once: an advisory lock serializes the DDL.
    Transaction transaction(conn_);
    run(conn_, "SELECT pg_advisory_xact_lock(7267617)");
    run(conn_, R"sql(
      CREATE TABLE IF NOT EXISTS truce_idempotency (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        state SMALLINT NOT NULL,       -- 0 in progress, 1 completed
        token TEXT NOT NULL,
        lease_until BIGINT NOT NULL,   -- Unix ms
        expires_at BIGINT NOT NULL,    -- Unix ms
        status INTEGER,
        headers TEXT,
        body BYTEA,
        PRIMARY KEY (scope, key)))sql");
    run(conn_, "CREATE INDEX IF NOT EXISTS truce_idempotency_expires ON truce_idempotency (expires_at)");
    transaction.commit();
  } catch (...) {
    PQfinish(conn_);
    throw;
  }
}

PostgresIdempotencyStore::~PostgresIdempotencyStore() { PQfinish(conn_); }

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
  const Result upsert = execute(conn_, prepared_, kUpsert,
                                {text(request.scope), text(request.key), text(request.fingerprint), text(request.token),
                                 number(request.lease_until), number(request.expires_at), number(request.now)});
  return PQntuples(upsert.get()) == 1 && field(upsert.get(), 0) == request.token;
}

ClaimResult PostgresIdempotencyStore::claim(ClaimRequest request) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Most claims are for new keys, and the upsert alone is atomic: one
  // statement, one round trip.
  if (try_claim(request)) return {true, std::nullopt};
  // Something stood in the way. ON CONFLICT DO UPDATE locks the existing row
  // even when WHERE refuses the update, so trying again inside a transaction
  // lets the SELECT read the record that refused the claim.
  Transaction transaction(conn_);
  ClaimResult result;
  result.claimed = try_claim(request);
  if (!result.claimed) result.existing = select_record(conn_, prepared_, request.scope, request.key);
  transaction.commit();
  return result;
}

bool PostgresIdempotencyStore::complete(const std::string& scope, const std::string& key, const std::string& token,
                                        const StoredResponse& response, UnixMs expires_at) {
  std::lock_guard<std::mutex> lock(mutex_);
  static const char* const kComplete = R"sql(
    UPDATE truce_idempotency SET state = 1, status = $1, headers = $2, body = $3, expires_at = $4
    WHERE scope = $5 AND key = $6 AND state = 0 AND token = $7)sql";
  const Result update = execute(conn_, prepared_, kComplete,
                                {number(response.status),
                                 text(to_json_text(response.headers)),
                                 {response.body, true},
                                 number(expires_at),
                                 text(scope),
                                 text(key),
                                 text(token)});
  return std::string(PQcmdTuples(update.get())) == "1";
}

bool PostgresIdempotencyStore::release(const std::string& scope, const std::string& key, const std::string& token) {
  std::lock_guard<std::mutex> lock(mutex_);
  static const char* const kRelease =
      "DELETE FROM truce_idempotency WHERE scope = $1 AND key = $2 AND state = 0 AND token = $3";
  const Result remove = execute(conn_, prepared_, kRelease, {text(scope), text(key), text(token)});
  return std::string(PQcmdTuples(remove.get())) == "1";
}

std::optional<IdempotencyRecord> PostgresIdempotencyStore::find(const std::string& scope, const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  return select_record(conn_, prepared_, scope, key);
}

std::size_t PostgresIdempotencyStore::purge_expired(UnixMs now) {
  std::lock_guard<std::mutex> lock(mutex_);
  static const char* const kPurge = "DELETE FROM truce_idempotency WHERE expires_at <= $1";
  const Result remove = execute(conn_, prepared_, kPurge, {number(now)});
  return static_cast<std::size_t>(std::stoull(PQcmdTuples(remove.get())));
}

}  // namespace truce
