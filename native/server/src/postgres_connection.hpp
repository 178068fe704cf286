#pragma once
// What the PostgreSQL stores share (internal): one libpq connection with its
// prepared statements, the transaction guard, and the idempotency record's
// completion, which a document write runs inside its own transaction so the
// write and its record commit together.

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "truce/idempotency_store.hpp"

namespace truce::postgres {

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

// A parameter: text, or bytes sent in binary (a response body need not be UTF-8).
struct Param {
  std::string value;
  bool binary = false;
};
inline Param text(const std::string& value) { return {value, false}; }
inline Param number(std::int64_t value) { return {std::to_string(value), false}; }

// Row 0's column as sent.
std::string field(const PGresult* result, int column);
// Rows a command touched (PQcmdTuples as a number).
std::size_t affected(const PGresult* result);

class Connection {
 public:
  // Connects and creates the tables (under an advisory lock: several
  // processes may start at once). STORE_UNAVAILABLE when unreachable.
  explicit Connection(const std::string& conninfo);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  PGconn* get() const { return conn_; }
  // Set by Transaction: a connection lost inside a transaction is not
  // silently replaced (the statements after it would run outside it).
  void set_in_transaction(bool in_transaction) noexcept { in_transaction_ = in_transaction; }
  // [[noreturn]]: STORE_UNAVAILABLE naming what failed and the server's message and SQLSTATE.
  [[noreturn]] void fail(const std::string& what, const PGresult* result = nullptr) const;
  Result run(const char* sql);
  // Each statement is parsed and planned once per connection: a third of a
  // claim's time went to planning the upsert again on every call.
  Result execute(const char* sql, const std::vector<Param>& params);

 private:
  Result checked(PGresult* raw);
  // After the server went away (a restart, a dropped connection): connect
  // again, forgetting the statements prepared on the old session.
  void reconnect_if_broken();
  PGconn* conn_ = nullptr;
  std::unordered_map<const char*, std::string> prepared_;  // SQL text -> statement name
  unsigned long next_statement_ = 0;                       // names are never reused
  bool in_transaction_ = false;
};

// Rolls back unless committed, so an exception never leaves a transaction open.
class Transaction {
 public:
  explicit Transaction(Connection& connection) : connection_(connection) {
    connection.run("BEGIN");
    connection.set_in_transaction(true);
  }
  ~Transaction() {
    if (!done_) PQclear(PQexec(connection_.get(), "ROLLBACK"));
    connection_.set_in_transaction(false);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    connection_.run("COMMIT");
    done_ = true;
    connection_.set_in_transaction(false);
  }

 private:
  Connection& connection_;
  bool done_ = false;
};

// Stores `response` iff (scope, key) is in progress under `token`.
bool complete_idempotency_record(Connection& connection, const std::string& scope, const std::string& key,
                                 const std::string& token, const StoredResponse& response, UnixMs expires_at);

}  // namespace truce::postgres
