#pragma once
// What the SQLite stores share (internal): one connection with its prepared
// statements, the statement and transaction guards, and the idempotency
// record's completion, which a document write runs inside its own
// transaction so the write and its record commit together.

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "truce/idempotency_store.hpp"

namespace truce::sqlite {

class WalCheckpointer;

// STORE_UNAVAILABLE naming what failed and SQLite's own message and code.
[[noreturn]] void fail(sqlite3* db, const std::string& what);

// The tables every SQLite store may touch: a document write completes its
// idempotency record in the same transaction, so both live in one file.
extern const char* const kSchema;

// Retries a locked database for up to `timeout`. SQLite's own busy timeout
// sleeps 1, 2, 5, 10, 15 ms… between tries: a write that finds the lock
// taken for 100 µs (a checkpoint's restart, the other store's commit) lost
// a millisecond or ten with the store held. Here the tries come every
// 50 to 800 µs. Used by one thread at a time, like its connection.
class BusyWait {
 public:
  explicit BusyWait(std::chrono::milliseconds timeout) : timeout_(timeout) {}
  void install(sqlite3* db) { sqlite3_busy_handler(db, &BusyWait::retry, this); }

 private:
  static int retry(void* self, int tries);
  std::chrono::milliseconds timeout_;
  std::chrono::steady_clock::time_point since_;
};

class Connection {
 public:
  // Opens (or creates) the file in WAL mode and creates the tables; its WAL
  // checkpoints then run on a thread of their own (sqlite_checkpointer.hpp).
  Connection(const std::string& path, std::chrono::milliseconds busy_timeout);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* get() const { return db_; }
  void exec(const char* sql);
  // Prepared once per connection and reused: preparing cost more than running.
  sqlite3_stmt* statement(const char* sql);

 private:
  sqlite3* db_ = nullptr;
  BusyWait busy_wait_;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
  std::unique_ptr<WalCheckpointer> checkpointer_;
};

// One use of a cached prepared statement: reset and unbound on scope exit.
class Statement {
 public:
  Statement(Connection& connection, const char* sql) : db_(connection.get()), stmt_(connection.statement(sql)) {}
  ~Statement() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const std::string& text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind_blob(int index, const std::string& bytes);
  // True while there is a row to read.
  bool step();
  std::string text(int column) const;
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  void check(int rc);
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// BEGIN IMMEDIATE takes the write lock up front, so whatever the
// transaction reads stays true until it commits. Rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

// Stores `response` iff (scope, key) is in progress under `token`.
bool complete_idempotency_record(Connection& connection, const std::string& scope, const std::string& key,
                                 const std::string& token, const StoredResponse& response, UnixMs expires_at);

}  // namespace truce::sqlite
