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

// The database side of detail::write_document.
class SqliteDocumentStore::Writer {
 public:
  explicit Writer(sqlite::Connection& connection) : connection_(connection) {}

  sqlite::Transaction begin() { return sqlite::Transaction(connection_); }

  std::optional<StoredDocument> current(const std::string& tenant, const std::string& id) {
    static const char* const kSelect =
        "SELECT doc, version, updated_at FROM truce_documents WHERE tenant = ?1 AND id = ?2";
    Statement select(connection_, kSelect);
    select.bind(1, tenant).bind(2, id);
    return read_one(select);
  }

  std::size_t count(const std::string& tenant) {
    static const char* const kCount = "SELECT COUNT(*) FROM truce_documents WHERE tenant = ?1";
    Statement select(connection_, kCount);
    select.bind(1, tenant);
    select.step();
    return static_cast<std::size_t>(select.integer(0));
  }

  std::optional<Version> current_version(const std::string& tenant, const std::string& id) {
    static const char* const kSelect = "SELECT version FROM truce_documents WHERE tenant = ?1 AND id = ?2";
    Statement select(connection_, kSelect);
    select.bind(1, tenant).bind(2, id);
    if (!select.step()) return std::nullopt;
    return select.integer(0);
  }

  bool create(const std::string& tenant, const std::string& id, const std::string& text, UnixMs now) {
    static const char* const kInsert =
        "INSERT INTO truce_documents (tenant, id, version, doc, updated_at) VALUES (?1, ?2, 1, ?3, ?4) "
        "ON CONFLICT (tenant, id) DO NOTHING";
    Statement insert(connection_, kInsert);
    insert.bind(1, tenant).bind(2, id).bind(3, text).bind(4, now);
    insert.step();
    return sqlite3_changes(connection_.get()) == 1;
  }

  void update(const std::string& tenant, const std::string& id, Version version, const std::string& text, UnixMs now) {
    static const char* const kUpdate =
        "UPDATE truce_documents SET version = ?3, doc = ?4, updated_at = ?5 WHERE tenant = ?1 AND id = ?2";
    Statement update(connection_, kUpdate);
    update.bind(1, tenant).bind(2, id).bind(3, version).bind(4, text).bind(5, now);
    update.step();
  }

  void keep(const std::string& tenant, const std::string& id, Version version, const std::string& text, UnixMs now,
            std::size_t history) {
    static const char* const kInsert =
        "INSERT OR REPLACE INTO truce_document_versions (tenant, id, version, doc, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5)";
    static const char* const kPrune =
        "DELETE FROM truce_document_versions WHERE tenant = ?1 AND id = ?2 AND version <= ?3";
    Statement insert(connection_, kInsert);
    insert.bind(1, tenant).bind(2, id).bind(3, version).bind(4, text).bind(5, now);
    insert.step();
    Statement prune(connection_, kPrune);
    prune.bind(1, tenant).bind(2, id).bind(3, version - static_cast<Version>(history));
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
  static const char* const kSelect =
      "SELECT doc, version, updated_at FROM truce_document_versions WHERE tenant = ?1 AND id = ?2 AND version = ?3";
  std::lock_guard<std::mutex> lock(mutex_);
  Statement select(*connection_, kSelect);
  select.bind(1, tenant).bind(2, id).bind(3, version);
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
