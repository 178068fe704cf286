#pragma once
// One conformance suite for every IdempotencyStore (the tests are in
// idempotency_store_conformance.cpp): the memory store runs it in
// tests/core/, the SQLite and PostgreSQL stores in tests/server/. Each instantiates
//   INSTANTIATE_TEST_SUITE_P(Name, IdempotencyStoreConformance, ::testing::Values(StoreFactory{...}));
// Every test drives the store through IdempotencyLedger, as servers do, with
// time moved by hand.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "truce/idempotency_ledger.hpp"

namespace truce::testing {

struct StoreFactory {
  std::string name;
  // A fresh, empty store (each call may return another connection to the same database).
  std::function<std::unique_ptr<IdempotencyStore>()> make;
  // A second handle on the store `make` returned last (another connection), or
  // nullptr when the store lives in one object only.
  std::function<std::unique_ptr<IdempotencyStore>()> another_handle;
  // Why the store cannot run here ("" when it can), e.g. no PostgreSQL server.
  std::function<std::string()> skip_reason = nullptr;
};

inline std::ostream& operator<<(std::ostream& out, const StoreFactory& factory) { return out << factory.name; }

class IdempotencyStoreConformance : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    if (GetParam().skip_reason) {
      if (const std::string reason = GetParam().skip_reason(); !reason.empty()) GTEST_SKIP() << reason;
    }
    store_ = GetParam().make();
    ASSERT_TRUE(store_);
    ledger_ = std::make_unique<IdempotencyLedger>(*store_, options());
  }

  static LedgerOptions options() {
    LedgerOptions options;
    options.ttl = std::chrono::hours(24);
    options.lease = std::chrono::seconds(60);
    return options;
  }

  static StoredResponse response(int status, const std::string& body) {
    StoredResponse r;
    r.status = status;
    r.headers = {{"content-type", "application/json"}, {"etag", "\"v7\""}};
    r.body = body;
    return r;
  }

  static constexpr UnixMs kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
  const std::string key_ = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  std::unique_ptr<IdempotencyStore> store_;
  std::unique_ptr<IdempotencyLedger> ledger_;
};

}  // namespace truce::testing
