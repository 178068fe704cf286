#include "postgres_connection.hpp"

#include "truce/error.hpp"
#include "truce/json.hpp"

namespace truce::postgres {

std::string field(const PGresult* result, int column) {
  return std::string(PQgetvalue(result, 0, column), static_cast<std::size_t>(PQgetlength(result, 0, column)));
}

std::size_t affected(const PGresult* result) {
  const char* count = PQcmdTuples(const_cast<PGresult*>(result));
  return count && *count ? static_cast<std::size_t>(std::stoull(count)) : 0;
}

Connection::Connection(const std::string& conninfo) {
  conn_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string message = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw Error(Code::StoreUnavailable, "PostgreSQL store: cannot connect: " + message, {{"store", "postgres"}});
  }
  try {
    run("SET client_min_messages TO warning");  // no NOTICE for an existing table on stderr
    Transaction transaction(*this);
    run("SELECT pg_advisory_xact_lock(7267617)");
    run(R"sql(
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
        PRIMARY KEY (scope, key));
      CREATE INDEX IF NOT EXISTS truce_idempotency_expires ON truce_idempotency (expires_at);
      CREATE TABLE IF NOT EXISTS truce_documents (
        tenant TEXT NOT NULL,
        id TEXT NOT NULL,
        version BIGINT NOT NULL,
        doc TEXT NOT NULL,             -- compact JSON
        updated_at BIGINT NOT NULL,    -- Unix ms
        PRIMARY KEY (tenant, id));
      CREATE TABLE IF NOT EXISTS truce_document_versions (
        tenant TEXT NOT NULL,
        id TEXT NOT NULL,
        version BIGINT NOT NULL,
        doc TEXT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (tenant, id, version)))sql");
    transaction.commit();
  } catch (...) {
    PQfinish(conn_);
    throw;
  }
}

Connection::~Connection() { PQfinish(conn_); }

void Connection::fail(const std::string& what, const PGresult* result) const {
  std::string message = result ? PQresultErrorMessage(result) : (conn_ ? PQerrorMessage(conn_) : "no connection");
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  Document details = {{"store", "postgres"}};
  if (result) {
    if (const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE)) details["sqlstate"] = state;
  }
  throw Error(Code::StoreUnavailable, "PostgreSQL store: " + what + ": " + message, std::move(details));
}

Result Connection::checked(PGresult* raw) {
  Result result(raw, &PQclear);
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail("query failed", result.get());
  return result;
}

void Connection::reconnect_if_broken() {
  if (PQstatus(conn_) == CONNECTION_OK) return;
  if (in_transaction_) fail("the connection was lost inside a transaction");
  prepared_.clear();
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) fail("reconnecting");
}

Result Connection::run(const char* sql) {
  reconnect_if_broken();
  return checked(PQexec(conn_, sql));
}

Result Connection::execute(const char* sql, const std::vector<Param>& params) {
  reconnect_if_broken();
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    const std::string name = "truce_" + std::to_string(next_statement_++);
    checked(PQprepare(conn_, name.c_str(), sql, static_cast<int>(params.size()), nullptr));
    found = prepared_.emplace(sql, name).first;
  }
  const std::string& name = found->second;
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const auto& p : params) {
    values.push_back(p.value.data());
    lengths.push_back(static_cast<int>(p.value.size()));
    formats.push_back(p.binary ? 1 : 0);
  }
  return checked(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), values.data(), lengths.data(),
                                formats.data(), 0));
}

bool complete_idempotency_record(Connection& connection, const std::string& scope, const std::string& key,
                                 const std::string& token, const StoredResponse& response, UnixMs expires_at) {
  static const char* const kComplete = R"sql(
    UPDATE truce_idempotency SET state = 1, status = $1, headers = $2, body = $3, expires_at = $4
    WHERE scope = $5 AND key = $6 AND state = 0 AND token = $7)sql";
  const Result update = connection.execute(kComplete, {number(response.status),
                                                       text(to_json_text(response.headers)),
                                                       {response.body, true},
                                                       number(expires_at),
                                                       text(scope),
                                                       text(key),
                                                       text(token)});
  return affected(update.get()) == 1;
}

}  // namespace truce::postgres
