#pragma once
// One conformance suite for every DocumentStore (the tests are in
// document_store_conformance.cpp), instantiated for SQLite in
// sqlite_store_test.cpp and for PostgreSQL in postgres_store_test.cpp.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "truce/document_store.hpp"
#include "truce/idempotency_store.hpp"

namespace truce::testing {

struct DocumentStoreFactory {
  std::string name;
  // Empties (or creates) a database and says where it is.
  std::function<std::string()> fresh;
  // A connection to the database at `where`: each call is another connection.
  std::function<std::unique_ptr<DocumentStore>(const std::string& where, DocumentStoreOptions)> documents;
  // The idempotency store on the same database.
  std::function<std::unique_ptr<IdempotencyStore>(const std::string& where)> idempotency;
  // Why the store cannot run here ("" when it can).
  std::function<std::string()> skip_reason = nullptr;
};

inline std::ostream& operator<<(std::ostream& out, const DocumentStoreFactory& factory) { return out << factory.name; }

class DocumentStoreConformance : public ::testing::TestWithParam<DocumentStoreFactory> {
 protected:
  void SetUp() override {
    if (GetParam().skip_reason) {
      if (const std::string reason = GetParam().skip_reason(); !reason.empty()) GTEST_SKIP() << reason;
    }
    where_ = GetParam().fresh();
    store_ = open();
  }

  std::unique_ptr<DocumentStore> open(DocumentStoreOptions options = {}) const {
    return GetParam().documents(where_, options);
  }

  static constexpr UnixMs kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
  std::string where_;
  std::unique_ptr<DocumentStore> store_;
};

}  // namespace truce::testing
