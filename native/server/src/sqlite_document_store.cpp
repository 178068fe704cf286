#include "truce/sqlite_document_store.hpp"

#include <utility>

#include "document_write.hpp"
#include "sqlite_connection.hpp"
#include "truce/error.hpp"
#include "truce/json.hpp"

namespace truce {
namespace {

using sqlite::Statement;

std::optional<StoredDocument> read_one(Statement& select) {
  if (!select.step()) return std::nullopt;
  return StoredDocument{detail::parse_stored_document(select.text(0)), select.integer(1), select.integer(2)};
}

}  // namespace

// The database side of detail::write_document. A document's current
// version is the newest row of its history, so a write adds that one row
// (mostly one page of the log) and touches nothing else;
// truce_document_ids only lists the documents (one row each, written by
// the create).
class SqliteDocumentStore::Writer {
 public:
  // Versions past the history are deleted at every kPruneEvery-th version
  // (in one statement and mostly one page), not at every write; reads never
  // see them (get_version).
  static constexpr Version kPruneEvery = 16;

  explicit Writer(sqlite::Connection& connection) : connection_(connection) {}

  sqlite::Transaction begin() { return sqlite::Transaction(connection_); }

  std::optional<StoredDocument> current(const std::string& tenant, const std::string& id) {
    static const char* const kSelect =
        "SELECT doc, version, updated_at FROM truce_document_versions WHERE tenant = ?1 AND id = ?2 "
        "ORDER BY version DESC LIMIT 1";
    Statement select(connection_, kSelect);
    select.bind(1, tenant).bind(2, id);
    return read_one(select);
  }

  std::size_t count(const std::string& tenant) {
    static const char* const kCount = "SELECT COUNT(*) FROM truce_document_ids WHERE tenant = ?1";
    Statement select(connection_, kCount);
    select.bind(1, tenant);
    select.step();
    return static_cast<std::size_t>(select.integer(0));
  }

  std::optional<Version> current_version(const std::string& tenant, const std::string& id) {
    static const char* const kSelect =
        "SELECT version FROM truce_document_versions WHERE tenant = ?1 AND id = ?2 ORDER BY version DESC LIMIT 1";
    Statement select(connection_, kSelect);
    select.bind(1, tenant).bind(2, id);
    if (!select.step()) return std::nullopt;
    return select.integer(0);
  }

  // The transaction holds the write lock (BEGIN IMMEDIATE): nobody can have
  // created the document since current_version found none.
  bool create(const std::string& tenant, const std::string& id, const std::string&, UnixMs) {
    static const char* const kInsert = "INSERT OR IGNORE INTO truce_document_ids (tenant, id) VALUES (?1, ?2)";
    Statement insert(connection_, kInsert);
    insert.bind(1, tenant).bind(2, id);
    insert.step();
    return true;
  }

  // keep() writes the version, which makes it the current one.
  void update(const std::string&, const std::string&, Version, const std::string&, UnixMs) {}

  void keep(const std::string& tenant, const std::string& id, Version version, const std::string& text, UnixMs now,
            Version history) {
    static const char* const kInsert =
        "INSERT OR REPLACE INTO truce_document_versions (tenant, id, version, doc, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5)";
    static const char* const kPrune =
        "DELETE FROM truce_document_versions WHERE tenant = ?1 AND id = ?2 AND version <= ?3";
    Statement insert(connection_, kInsert);
    insert.bind(1, tenant).bind(2, id).bind(3, version).bind(4, text).bind(5, now);
    insert.step();
    if (version % kPruneEvery != 0) return;
    Statement prune(connection_, kPrune);
    prune.bind(1, tenant).bind(2, id).bind(3, version - history);
    prune.step();
  }

  bool complete(const IdempotentWrite& write, const StoredResponse& response) {
    return sqlite::complete_idempotency_record(connection_, write.scope, write.key, write.token, response,
                                               write.expires_at);
  }

 private:
  sqlite::Connection& connection_;
};

SqliteDocumentStore::SqliteDocumentStore(const std::string& path, DocumentStoreOptions options,
                                         SqliteStoreOptions sqlite)
    : options_((options.validate(), options)),
      connection_(std::make_unique<sqlite::Connection>(path, sqlite.busy_timeout)) {}

SqliteDocumentStore::~SqliteDocumentStore() = default;

std::optional<StoredDocument> SqliteDocumentStore::get(const std::string& tenant, const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  return Writer(*connection_).current(tenant, id);
}

std::optional<StoredDocument> SqliteDocumentStore::get_version(const std::string& tenant, const std::string& id,
                                                               Version version) {
  // Within the last `history` versions: older ones may wait for the next prune.
  static const char* const kSelect =
      "SELECT doc, version, updated_at FROM truce_document_versions WHERE tenant = ?1 AND id = ?2 AND version = ?3 "
      "AND version > (SELECT MAX(version) FROM truce_document_versions WHERE tenant = ?1 AND id = ?2) - ?4";
  std::lock_guard<std::mutex> lock(mutex_);
  Statement select(*connection_, kSelect);
  select.bind(1, tenant).bind(2, id).bind(3, version).bind(4, options_.history_span());
  return read_one(select);
}

PutResult SqliteDocumentStore::put(const std::string& tenant, const std::string& id, const Document& doc,
                                   const Expected& expected, UnixMs now, const IdempotentWrite* idempotent) {
  std::lock_guard<std::mutex> lock(mutex_);
  Writer writer(*connection_);
  return detail::write_document(writer, tenant, id, doc, expected, now, idempotent, options_);
}

std::size_t SqliteDocumentStore::count(const std::string& tenant) {
  std::lock_guard<std::mutex> lock(mutex_);
  return Writer(*connection_).count(tenant);
}

}  // namespace truce
