// The shared IdempotencyStore conformance suite (see the header).
#include "idempotency_store_conformance.hpp"

#include <atomic>
#include <thread>
#include <vector>

namespace truce::testing {

TEST_P(IdempotencyStoreConformance, FirstRequestProceedsAndEveryRetryGetsTheFirstAnswer) {
  const BeginResult first = ledger_->begin("tenant-a", key_, "fp-1", kT0);
  ASSERT_EQ(first.kind, BeginResult::Kind::Proceed);
  ASSERT_FALSE(first.token.empty());
  ledger_->complete("tenant-a", key_, first.token, response(201, R"({"id":7})"), kT0 + 5);
  for (int retry = 0; retry < 3; ++retry) {
    const BeginResult again = ledger_->begin("tenant-a", key_, "fp-1", kT0 + 1000 * retry);
    ASSERT_EQ(again.kind, BeginResult::Kind::Replay);
    ASSERT_TRUE(again.response);
    EXPECT_EQ(*again.response, response(201, R"({"id":7})"));
  }
}

TEST_P(IdempotencyStoreConformance, WhileInFlightRetriesAreToldToWaitForTheLease) {
  const BeginResult first = ledger_->begin("tenant-a", key_, "fp-1", kT0);
  ASSERT_EQ(first.kind, BeginResult::Kind::Proceed);
  const BeginResult again = ledger_->begin("tenant-a", key_, "fp-1", kT0 + 15000);
  ASSERT_EQ(again.kind, BeginResult::Kind::InProgress);
  EXPECT_EQ(again.retry_after, std::chrono::milliseconds(45000));
  const auto error = again.to_error();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), Code::IdempotencyInProgress);
  EXPECT_EQ(error->status(), 409);
}

TEST_P(IdempotencyStoreConformance, SameKeyWithAnotherPayloadIsAMismatchInFlightAndAfter) {
  const BeginResult first = ledger_->begin("tenant-a", key_, "fp-1", kT0);
  EXPECT_EQ(ledger_->begin("tenant-a", key_, "fp-2", kT0 + 1).kind, BeginResult::Kind::Mismatch);
  ledger_->complete("tenant-a", key_, first.token, response(200, "ok"), kT0 + 2);
  const BeginResult reused = ledger_->begin("tenant-a", key_, "fp-2", kT0 + 3);
  EXPECT_EQ(reused.kind, BeginResult::Kind::Mismatch);
  EXPECT_EQ(reused.to_error()->code(), Code::IdempotencyKeyReused);
  EXPECT_EQ(reused.to_error()->status(), 422);
}

TEST_P(IdempotencyStoreConformance, AbandonAndUnstoredOutcomesLetTheRetryRunAgain) {
  const BeginResult first = ledger_->begin("tenant-a", key_, "fp-1", kT0);
  ledger_->abandon("tenant-a", key_, first.token);
  const BeginResult second = ledger_->begin("tenant-a", key_, "fp-1", kT0 + 1);
  ASSERT_EQ(second.kind, BeginResult::Kind::Proceed);
  ledger_->complete("tenant-a", key_, second.token, response(503, "try later"), kT0 + 2);  // 5xx: not kept
  const BeginResult third = ledger_->begin("tenant-a", key_, "fp-1", kT0 + 3);
  ASSERT_EQ(third.kind, BeginResult::Kind::Proceed);
  ledger_->complete("tenant-a", key_, third.token, response(409, "conflict"), kT0 + 4);  // final: kept
  EXPECT_EQ(ledger_->begin("tenant-a", key_, "fp-1", kT0 + 5).kind, BeginResult::Kind::Replay);
}

TEST_P(IdempotencyStoreConformance, RecordsExpireAfterTheTtlAndPurgeRemovesThem) {
  const BeginResult first = ledger_->begin("tenant-a", key_, "fp-1", kT0);
  ledger_->complete("tenant-a", key_, first.token, response(200, "ok"), kT0);
  const UnixMs day = 24 * 3600 * 1000;
  EXPECT_EQ(ledger_->begin("tenant-a", key_, "fp-1", kT0 + day - 1).kind, BeginResult::Kind::Replay);
  EXPECT_EQ(ledger_->purge_expired(kT0 + day - 1), 0u);
  EXPECT_EQ(ledger_->purge_expired(kT0 + day), 1u);
  EXPECT_FALSE(store_->find("tenant-a", key_));
  // Expired but not yet purged: a new request with the key (even another payload) starts afresh.
  const BeginResult other = ledger_->begin("tenant-a", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c", "fp-1", kT0);
  ledger_->complete("tenant-a", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c", other.token, response(200, "ok"), kT0);
  EXPECT_EQ(ledger_->begin("tenant-a", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c", "fp-2", kT0 + day).kind,
            BeginResult::Kind::Proceed);
}

// Thousands of records, every other one expired, in two scopes: purging
// must remove exactly the expired ones, however the store walks its table
// (SQLite purges a chunk of rows per transaction).
TEST_P(IdempotencyStoreConformance, PurgeRemovesExactlyTheExpiredRecordsAmongThousands) {
  constexpr int kRecords = 2500;
  const auto key_of = [](int i) { return "0190a1b2-c3d4-7e5f-8a9b-" + std::to_string(100000000000 + i); };
  for (int i = 0; i < kRecords; ++i) {
    const std::string scope = i % 3 ? "tenant-a" : "tenant-b";
    ASSERT_TRUE(store_->claim({scope, key_of(i), "fp", "token", kT0, kT0 + 1000, kT0 + (i % 2 ? 10 : 100)}).claimed);
  }
  EXPECT_EQ(store_->purge_expired(kT0 + 10), static_cast<std::size_t>(kRecords / 2));
  for (int i = 0; i < kRecords; i += 97) {
    EXPECT_EQ(store_->find(i % 3 ? "tenant-a" : "tenant-b", key_of(i)).has_value(), i % 2 == 0) << i;
  }
  EXPECT_EQ(store_->purge_expired(kT0 + 100), static_cast<std::size_t>(kRecords / 2));
  EXPECT_EQ(store_->purge_expired(kT0 + 100), 0u);
}

TEST_P(IdempotencyStoreConformance, AnExpiredLeaseIsReclaimedAndTheStaleHolderLosesIt) {
  const BeginResult stale = ledger_->begin("tenant-a", key_, "fp-1", kT0);
  EXPECT_EQ(ledger_->begin("tenant-a", key_, "fp-1", kT0 + 59999).kind, BeginResult::Kind::InProgress);
  // Another payload never takes over, even after the lease.
  EXPECT_EQ(ledger_->begin("tenant-a", key_, "fp-2", kT0 + 60000).kind, BeginResult::Kind::Mismatch);
  const BeginResult fresh = ledger_->begin("tenant-a", key_, "fp-1", kT0 + 60000);
  ASSERT_EQ(fresh.kind, BeginResult::Kind::Proceed);
  EXPECT_NE(fresh.token, stale.token);
  try {
    ledger_->complete("tenant-a", key_, stale.token, response(200, "stale"), kT0 + 60001);
    ADD_FAILURE() << "a stale token completed";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), Code::IdempotencyLeaseLost);
  }
  EXPECT_THROW(ledger_->abandon("tenant-a", key_, stale.token), Error);
  ledger_->complete("tenant-a", key_, fresh.token, response(200, "fresh"), kT0 + 60002);
  EXPECT_EQ(ledger_->begin("tenant-a", key_, "fp-1", kT0 + 60003).response->body, "fresh");
}

TEST_P(IdempotencyStoreConformance, ScopesNeverSeeEachOthersRecords) {
  const BeginResult a = ledger_->begin("tenant-a", key_, "fp-1", kT0);
  const BeginResult b = ledger_->begin("tenant-b", key_, "fp-1", kT0);
  ASSERT_EQ(a.kind, BeginResult::Kind::Proceed);
  ASSERT_EQ(b.kind, BeginResult::Kind::Proceed);
  ledger_->complete("tenant-a", key_, a.token, response(200, "for a"), kT0 + 1);
  EXPECT_EQ(ledger_->begin("tenant-b", key_, "fp-1", kT0 + 2).kind, BeginResult::Kind::InProgress);
  EXPECT_THROW(ledger_->complete("tenant-b", key_, a.token, response(200, "x"), kT0 + 3), Error);
  ledger_->complete("tenant-b", key_, b.token, response(200, "for b"), kT0 + 4);
  EXPECT_EQ(ledger_->begin("tenant-a", key_, "fp-1", kT0 + 5).response->body, "for a");
  EXPECT_EQ(ledger_->begin("tenant-b", key_, "fp-1", kT0 + 5).response->body, "for b");
}

TEST_P(IdempotencyStoreConformance, BadKeysAndScopesAreRefusedBeforeTheStoreIsTouched) {
  const auto code_of = [&](const std::string& scope, const std::string& key, const std::string& fp) {
    try {
      ledger_->begin(scope, key, fp, kT0);
    } catch (const Error& error) {
      return error.code();
    }
    return Code::Internal;
  };
  EXPECT_EQ(code_of("tenant-a", "", "fp"), Code::IdempotencyKeyMissing);
  EXPECT_EQ(code_of("tenant-a", "short", "fp"), Code::IdempotencyKeyInvalid);
  EXPECT_EQ(code_of("tenant-a", std::string(40, 'x'), "fp"), Code::IdempotencyKeyInvalid);
  EXPECT_EQ(code_of("", key_, "fp"), Code::InvalidArgument);
  EXPECT_EQ(code_of("tenant-a", key_, ""), Code::InvalidArgument);
  EXPECT_FALSE(store_->find("tenant-a", key_));
}

TEST_P(IdempotencyStoreConformance, ThirtyTwoThreadsRacingForOneKeyLetExactlyOneProceed) {
  // Each thread has its own handle when the store has connections to give.
  std::vector<std::unique_ptr<IdempotencyStore>> handles;
  for (int i = 0; i < 32; ++i) handles.push_back(GetParam().another_handle ? GetParam().another_handle() : nullptr);
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<BeginResult> results(32);
  std::vector<std::thread> threads;
  for (int i = 0; i < 32; ++i) {
    threads.emplace_back([&, i] {
      IdempotencyStore& store = handles[static_cast<std::size_t>(i)] ? *handles[static_cast<std::size_t>(i)] : *store_;
      IdempotencyLedger ledger(store, options());
      ++ready;
      while (!go) std::this_thread::yield();
      results[static_cast<std::size_t>(i)] = ledger.begin("tenant-a", key_, "fp-1", kT0);
    });
  }
  while (ready < 32) std::this_thread::yield();
  go = true;
  for (auto& t : threads) t.join();
  int proceeded = 0, waiting = 0;
  std::string token;
  for (const auto& r : results) {
    if (r.kind == BeginResult::Kind::Proceed) ++proceeded, token = r.token;
    if (r.kind == BeginResult::Kind::InProgress) ++waiting;
  }
  ASSERT_EQ(proceeded, 1);
  EXPECT_EQ(waiting, 31);
  ledger_->complete("tenant-a", key_, token, response(201, "once"), kT0 + 10);
  for (int i = 0; i < 32; ++i) {
    const BeginResult later = ledger_->begin("tenant-a", key_, "fp-1", kT0 + 20 + i);
    ASSERT_EQ(later.kind, BeginResult::Kind::Replay);
    EXPECT_EQ(*later.response, response(201, "once"));
  }
}

}  // namespace truce::testing
