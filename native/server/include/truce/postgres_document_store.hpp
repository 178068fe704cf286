#pragma once
// The document store on PostgreSQL (libpq), for several server processes
// sharing one database. Same tables and behaviour as the SQLite store: a
// write locks the document's row (SELECT … FOR UPDATE) for its version
// check, and a create that loses the race to another connection looks again
// and reports the conflict. An idempotent write completes its record in the
// write's own transaction.

#include <memory>
#include <mutex>
#include <string>

#include "truce/document_store.hpp"

namespace truce {
namespace postgres {
class Connection;
}

class PostgresDocumentStore final : public DocumentStore {
 public:
  // `conninfo` is a libpq connection string. Creates the tables if missing.
  // STORE_UNAVAILABLE when the server cannot be reached; INVALID_ARGUMENT
  // when history is 0.
  explicit PostgresDocumentStore(const std::string& conninfo, DocumentStoreOptions options = {});
  ~PostgresDocumentStore() override;
  PostgresDocumentStore(const PostgresDocumentStore&) = delete;
  PostgresDocumentStore& operator=(const PostgresDocumentStore&) = delete;

  std::optional<StoredDocument> get(const std::string& tenant, const std::string& id) override;
  std::optional<StoredDocument> get_version(const std::string& tenant, const std::string& id, Version version) override;
  PutResult put(const std::string& tenant, const std::string& id, const Document& doc, const Expected& expected,
                UnixMs now, const IdempotentWrite* idempotent = nullptr) override;
  std::size_t count(const std::string& tenant) override;

 private:
  class Writer;
  DocumentStoreOptions options_;
  std::unique_ptr<postgres::Connection> connection_;
  std::mutex mutex_;  // one connection: one command at a time
};

}  // namespace truce
