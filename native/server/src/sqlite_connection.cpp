#include "sqlite_connection.hpp"

#include <algorithm>
#include <thread>

#include "sqlite_checkpointer.hpp"

#include "truce/error.hpp"
#include "truce/json.hpp"

namespace truce::sqlite {

void fail(sqlite3* db, const std::string& what) {
  const int code = db ? sqlite3_extended_errcode(db) : SQLITE_CANTOPEN;
  throw Error(Code::StoreUnavailable, "SQLite store: " + what + ": " + (db ? sqlite3_errmsg(db) : "no database"),
              {{"store", "sqlite"}, {"sqliteCode", code}});
}

const char* const kSchema = R"sql(
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
CREATE TABLE IF NOT EXISTS truce_document_ids (  -- one row per document, written when it is created
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS truce_document_versions (  -- the newest row of a document is its current version
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  doc TEXT NOT NULL,             -- compact JSON
  updated_at INTEGER NOT NULL,   -- Unix ms
  PRIMARY KEY (tenant, id, version)
) WITHOUT ROWID;
)sql";

namespace {

// What files before 2026-12 held as a table is a view now: an older
// truce-host opening the file finds it there (its CREATE TABLE IF NOT
// EXISTS does nothing), reads the current versions and fails loudly on a
// write, instead of creating an empty table and writing version 1 over
// histories it cannot see.
const char* const kDocumentsView = R"sql(
CREATE VIEW IF NOT EXISTS truce_documents AS
  SELECT tenant, id, version, doc, updated_at FROM truce_document_versions AS v
  WHERE version = (SELECT MAX(version) FROM truce_document_versions WHERE tenant = v.tenant AND id = v.id);
)sql";

// Files written before 2026-12 kept each current version twice: in
// truce_document_versions and in a truce_documents row, which every write
// updated (a second page in the log per write). Their ids move to
// truce_document_ids and the table gives way to the view above; the
// versions were all in history already. Inside one IMMEDIATE transaction, so
// of two processes opening such a file at once, one migrates and the other
// finds nothing left to do.
void drop_the_documents_copy(Connection& connection) {
  static const char* const kFind = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'truce_documents'";
  const auto old_table_exists = [&] { return Statement(connection, kFind).step(); };
  if (!old_table_exists()) return;
  Transaction transaction(connection);
  if (!old_table_exists()) return;
  connection.exec(
      "INSERT OR IGNORE INTO truce_document_versions (tenant, id, version, doc, updated_at) "
      "SELECT tenant, id, version, doc, updated_at FROM truce_documents;"
      "INSERT OR IGNORE INTO truce_document_ids (tenant, id) SELECT tenant, id FROM truce_documents;"
      "DROP TABLE truce_documents;");
  connection.exec(kDocumentsView);
  transaction.commit();
}

}  // namespace

int BusyWait::retry(void* self, int tries) {
  auto& wait = *static_cast<BusyWait*>(self);
  const auto now = std::chrono::steady_clock::now();
  if (tries == 0) wait.since_ = now;
  if (now - wait.since_ >= wait.timeout_) return 0;  // give up: SQLITE_BUSY
  std::this_thread::sleep_for(std::chrono::microseconds(50 << std::min(tries, 4)));
  return 1;
}

Connection::Connection(const std::string& path, std::chrono::milliseconds busy_timeout) : busy_wait_(busy_timeout) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(Code::StoreUnavailable, "SQLite store: cannot open " + path + ": " + message, {{"store", "sqlite"}});
  }
  try {
    busy_wait_.install(db_);
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = NORMAL");  // durable across process crashes; WAL keeps it consistent
    exec(kSchema);
    drop_the_documents_copy(*this);
    exec(kDocumentsView);
    // An in-memory database has no WAL to checkpoint.
    if (sqlite3_db_filename(db_, "main")[0] != '\0') {
      checkpointer_ = std::make_unique<WalCheckpointer>(path, db_, busy_timeout);
    }
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

Connection::~Connection() {
  checkpointer_.reset();  // first: it holds a hook on db_
  for (const auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

void Connection::exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(db_, sql);
}

sqlite3_stmt* Connection::statement(const char* sql) {
  auto& stmt = statements_[sql];
  if (!stmt && sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    statements_.erase(sql);
    fail(db_, "prepare");
  }
  return stmt;
}

Statement& Statement::bind(int index, const std::string& text) {
  check(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  check(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::bind_blob(int index, const std::string& bytes) {
  check(sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT));
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, "step");
}

std::string Statement::text(int column) const {
  const auto* data = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  return data ? std::string(static_cast<const char*>(data), static_cast<std::size_t>(size)) : std::string();
}

void Statement::check(int rc) {
  if (rc != SQLITE_OK) fail(db_, "bind");
}

// BEGIN and COMMIT run as cached statements too: compiling them on every
// write showed in the host's profile.
Transaction::Transaction(Connection& connection) : connection_(connection) {
  Statement(connection, "BEGIN IMMEDIATE").step();
}

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(connection_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  Statement(connection_, "COMMIT").step();
  done_ = true;
}

bool complete_idempotency_record(Connection& connection, const std::string& scope, const std::string& key,
                                 const std::string& token, const StoredResponse& response, UnixMs expires_at) {
  static const char* const kComplete = R"sql(
    UPDATE truce_idempotency SET state = 1, status = ?1, headers = ?2, body = ?3, expires_at = ?4
    WHERE scope = ?5 AND key = ?6 AND state = 0 AND token = ?7)sql";
  Statement update(connection, kComplete);
  update.bind(1, static_cast<std::int64_t>(response.status)).bind(2, to_json_text(response.headers));
  update.bind_blob(3, response.body).bind(4, expires_at).bind(5, scope).bind(6, key).bind(7, token);
  update.step();
  return sqlite3_changes(connection.get()) == 1;
}

}  // namespace truce::sqlite
