#include "truce/postgres_document_store.hpp"

#include <libpq-fe.h>

#include <utility>

#include "document_write.hpp"
#include "postgres_connection.hpp"
#include "truce/error.hpp"
#include "truce/json.hpp"

namespace truce {
namespace {

using postgres::field;
using postgres::number;
using postgres::Result;
using postgres::text;

std::optional<StoredDocument> read_one(const Result& result) {
  if (PQntuples(result.get()) == 0) return std::nullopt;
  return StoredDocument{detail::parse_stored_document(field(result.get(), 0)), std::stoll(field(result.get(), 1)),
                        std::stoll(field(result.get(), 2))};
}

}  // namespace

// The database side of detail::write_document.
class PostgresDocumentStore::Writer {
 public:
  explicit Writer(postgres::Connection& connection) : connection_(connection) {}

  postgres::Transaction begin() { return postgres::Transaction(connection_); }

  std::optional<Version> current_version(const std::string& tenant, const std::string& id) {
    static const char* const kSelect = "SELECT version FROM truce_documents WHERE tenant = $1 AND id = $2 FOR UPDATE";
    const Result result = connection_.execute(kSelect, {text(tenant), text(id)});
    if (PQntuples(result.get()) == 0) return std::nullopt;
    return std::stoll(field(result.get(), 0));
  }

  std::optional<StoredDocument> current(const std::string& tenant, const std::string& id) {
    static const char* const kSelect =
        "SELECT doc, version, updated_at FROM truce_documents WHERE tenant = $1 AND id = $2";
    return read_one(connection_.execute(kSelect, {text(tenant), text(id)}));
  }

  std::size_t count(const std::string& tenant) {
    static const char* const kCount = "SELECT COUNT(*) FROM truce_documents WHERE tenant = $1";
    return static_cast<std::size_t>(std::stoull(field(connection_.execute(kCount, {text(tenant)}).get(), 0)));
  }

  bool create(const std::string& tenant, const std::string& id, const std::string& json, UnixMs now) {
    static const char* const kInsert =
        "INSERT INTO truce_documents (tenant, id, version, doc, updated_at) VALUES ($1, $2, 1, $3, $4) "
        "ON CONFLICT (tenant, id) DO NOTHING";
    return postgres::affected(connection_.execute(kInsert, {text(tenant), text(id), text(json), number(now)}).get()) ==
           1;
  }

  void update(const std::string& tenant, const std::string& id, Version version, const std::string& json, UnixMs now) {
    static const char* const kUpdate =
        "UPDATE truce_documents SET version = $3, doc = $4, updated_at = $5 WHERE tenant = $1 AND id = $2";
    connection_.execute(kUpdate, {text(tenant), text(id), number(version), text(json), number(now)});
  }

  void keep(const std::string& tenant, const std::string& id, Version version, const std::string& json, UnixMs now,
            Version history) {
    static const char* const kInsert =
        "INSERT INTO truce_document_versions (tenant, id, version, doc, updated_at) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (tenant, id, version) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at";
    static const char* const kPrune =
        "DELETE FROM truce_document_versions WHERE tenant = $1 AND id = $2 AND version <= $3";
    connection_.execute(kInsert, {text(tenant), text(id), number(version), text(json), number(now)});
    connection_.execute(kPrune, {text(tenant), text(id), number(version - history)});
  }

  bool complete(const IdempotentWrite& write, const StoredResponse& response) {
    return postgres::complete_idempotency_record(connection_, write.scope, write.key, write.token, response,
                                                 write.expires_at);
  }

 private:
  postgres::Connection& connection_;
};

PostgresDocumentStore::PostgresDocumentStore(const std::string& conninfo, DocumentStoreOptions options)
    : options_((options.validate(), options)), connection_(std::make_unique<postgres::Connection>(conninfo)) {}

PostgresDocumentStore::~PostgresDocumentStore() = default;

std::optional<StoredDocument> PostgresDocumentStore::get(const std::string& tenant, const std::string& id) {
  static const char* const kSelect =
      "SELECT doc, version, updated_at FROM truce_documents WHERE tenant = $1 AND id = $2";
  std::lock_guard<std::mutex> lock(mutex_);
  return read_one(connection_->execute(kSelect, {text(tenant), text(id)}));
}

std::optional<StoredDocument> PostgresDocumentStore::get_version(const std::string& tenant, const std::string& id,
                                                                 Version version) {
  static const char* const kSelect =
      "SELECT doc, version, updated_at FROM truce_document_versions WHERE tenant = $1 AND id = $2 AND version = $3";
  std::lock_guard<std::mutex> lock(mutex_);
  return read_one(connection_->execute(kSelect, {text(tenant), text(id), number(version)}));
}

PutResult PostgresDocumentStore::put(const std::string& tenant, const std::string& id, const Document& doc,
                                     const Expected& expected, UnixMs now, const IdempotentWrite* idempotent) {
  std::lock_guard<std::mutex> lock(mutex_);
  Writer writer(*connection_);
  return detail::write_document(writer, tenant, id, doc, expected, now, idempotent, options_);
}

std::size_t PostgresDocumentStore::count(const std::string& tenant) {
  std::lock_guard<std::mutex> lock(mutex_);
  return Writer(*connection_).count(tenant);
}

}  // namespace truce
