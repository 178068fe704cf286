#pragma once
// The document store on SQLite: the embedded default for truce-host. WAL
// mode; every write runs in an IMMEDIATE transaction, so its version check
// and its write are one step for every connection and process on the file.
// The file may be shared with a SqliteIdempotencyStore: an idempotent write
// completes its record in the write's own transaction.

#include <memory>
#include <mutex>
#include <string>

#include "truce/document_store.hpp"
#include "truce/sqlite_idempotency_store.hpp"

namespace truce {

class SqliteDocumentStore final : public DocumentStore {
 public:
  // Opens (or creates) the database file and its tables. STORE_UNAVAILABLE
  // when the file cannot be opened; INVALID_ARGUMENT when history is 0.
  explicit SqliteDocumentStore(const std::string& path, DocumentStoreOptions options = {},
                               SqliteStoreOptions sqlite = {});
  ~SqliteDocumentStore() override;
  SqliteDocumentStore(const SqliteDocumentStore&) = delete;
  SqliteDocumentStore& operator=(const SqliteDocumentStore&) = delete;

  std::optional<StoredDocument> get(const std::string& tenant, const std::string& id) override;
  std::optional<StoredDocument> get_version(const std::string& tenant, const std::string& id, Version version) override;
  PutResult put(const std::string& tenant, const std::string& id, const Document& doc, const Expected& expected,
                UnixMs now, const IdempotentWrite* idempotent = nullptr) override;
  std::size_t count(const std::string& tenant) override;

 private:
  class Writer;
  DocumentStoreOptions options_;
  std::unique_ptr<sqlite::Connection> connection_;
  std::mutex mutex_;  // one connection: one statement at a time
};

}  // namespace truce
