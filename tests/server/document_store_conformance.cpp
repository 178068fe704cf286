// The shared DocumentStore conformance suite (see the header).
#include "document_store_conformance.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include "test_support.hpp"
#include "truce/idempotency_ledger.hpp"
#include "truce/json.hpp"

namespace truce::testing {
namespace {

Document task(const std::string& title, int counter = 0) {
  return {{"title", title}, {"counter", counter}, {"tags", {"ui", "ünïcödé ✓"}}};
}

TEST_P(DocumentStoreConformance, ACreateStartsAtVersionOneAndASecondCreateIsRefused) {
  EXPECT_FALSE(store_->get("acme", "doc-1"));
  const PutResult created = store_->put("acme", "doc-1", task("first"), Expected::no_stream(), kT0);
  ASSERT_TRUE(created.written);
  EXPECT_EQ(created.version, 1);
  EXPECT_EQ(created.updated_at, kT0);
  const auto stored = store_->get("acme", "doc-1");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->doc, task("first"));
  EXPECT_EQ(stored->version, 1);
  EXPECT_EQ(stored->updated_at, kT0);

  const PutResult again = store_->put("acme", "doc-1", task("second"), Expected::no_stream(), kT0 + 1);
  EXPECT_FALSE(again.written);
  ASSERT_TRUE(again.current);
  EXPECT_EQ(again.current->doc, task("first"));
  EXPECT_EQ(again.conflict_error(Expected::no_stream()).code(), Code::VersionConflict);
  EXPECT_EQ(store_->get("acme", "doc-1")->doc, task("first"));
}

TEST_P(DocumentStoreConformance, EachWriteMakesExactlyTheNextVersionAndAStaleOneChangesNothing) {
  ASSERT_TRUE(store_->put("acme", "doc-1", task("v1"), Expected::no_stream(), kT0).written);
  for (Version v = 1; v < 5; ++v) {
    const PutResult next = store_->put("acme", "doc-1", task("v" + std::to_string(v + 1)), Expected::exact(v), kT0 + v);
    ASSERT_TRUE(next.written);
    EXPECT_EQ(next.version, v + 1);
  }
  // A write based on version 3 of a document now at 5: refused, with the
  // current state to recover from in one round trip.
  const PutResult stale = store_->put("acme", "doc-1", task("stale"), Expected::exact(3), kT0 + 10);
  EXPECT_FALSE(stale.written);
  ASSERT_TRUE(stale.current);
  EXPECT_EQ(stale.current->version, 5);
  EXPECT_EQ(stale.current->doc, task("v5"));
  const Error error = stale.conflict_error(Expected::exact(3));
  EXPECT_EQ(error.code(), Code::VersionConflict);
  EXPECT_EQ(error.message(), "Expected version 3, resource is at version 5");
  EXPECT_EQ(error.details()["actual"], 5);
  EXPECT_EQ(store_->get("acme", "doc-1")->version, 5);
  EXPECT_EQ(store_->get_version("acme", "doc-1", 5)->doc, task("v5"));
  EXPECT_FALSE(store_->get_version("acme", "doc-1", 6));
}

TEST_P(DocumentStoreConformance, AnyWritesWhateverIsThereAndExistsNeedsADocument) {
  const PutResult missing = store_->put("acme", "doc-1", task("x"), Expected::exists(), kT0);
  EXPECT_FALSE(missing.written);
  EXPECT_FALSE(missing.current);
  EXPECT_EQ(missing.conflict_error(Expected::exists()).code(), Code::VersionConflict);
  EXPECT_FALSE(store_->get("acme", "doc-1"));
  EXPECT_EQ(store_->put("acme", "doc-1", task("a"), Expected::any(), kT0).version, 1);
  EXPECT_EQ(store_->put("acme", "doc-1", task("b"), Expected::any(), kT0).version, 2);
  EXPECT_EQ(store_->put("acme", "doc-1", task("c"), Expected::exists(), kT0).version, 3);
  EXPECT_EQ(store_->get("acme", "doc-1")->doc, task("c"));
}

TEST_P(DocumentStoreConformance, KeepsTheLastVersionsForMergingAndPrunesOlderOnes) {
  DocumentStoreOptions options;
  options.history = 3;
  const auto store = open(options);
  ASSERT_TRUE(store->put("acme", "doc-1", task("v1"), Expected::no_stream(), kT0).written);
  for (Version v = 1; v < 6; ++v)
    ASSERT_TRUE(store->put("acme", "doc-1", task("v" + std::to_string(v + 1)), Expected::exact(v), kT0 + v).written);
  for (Version v = 1; v <= 6; ++v) {
    const auto kept = store->get_version("acme", "doc-1", v);
    ASSERT_EQ(kept.has_value(), v >= 4) << "version " << v;
    if (kept) {
      EXPECT_EQ(kept->doc, task("v" + std::to_string(v)));
      EXPECT_EQ(kept->updated_at, kT0 + v - 1);
    }
  }
  EXPECT_TRUCE_ERROR(open(DocumentStoreOptions{0}), Code::InvalidArgument);
}

// Past the stores' pruning points (SQLite prunes at every 16th version):
// exactly the last `history` versions stay readable, and a history longer
// than any version number ("keep everything") keeps them all and the
// current one (SIZE_MAX once wrapped to -1 and pruned the document away).
TEST_P(DocumentStoreConformance, HistoryHoldsAcrossManyWritesWhateverItsLength) {
  for (const std::size_t history : {std::size_t{3}, std::size_t{17}, SIZE_MAX}) {
    DocumentStoreOptions options;
    options.history = history;
    const auto store = open(options);
    const std::string id = "doc-" + std::to_string(history);
    constexpr Version kWrites = 40;
    ASSERT_TRUE(store->put("acme", id, task("v1"), Expected::no_stream(), kT0).written);
    for (Version v = 1; v < kWrites; ++v)
      ASSERT_TRUE(store->put("acme", id, task("v" + std::to_string(v + 1)), Expected::any(), kT0 + v).written);
    const auto current = store->get("acme", id);
    ASSERT_TRUE(current) << "history " << history;
    EXPECT_EQ(current->version, kWrites);
    EXPECT_EQ(current->doc, task("v" + std::to_string(kWrites)));
    for (Version v = 1; v <= kWrites; ++v) {
      const bool kept = history == SIZE_MAX || v > kWrites - static_cast<Version>(history);
      EXPECT_EQ(store->get_version("acme", id, v).has_value(), kept) << "history " << history << ", version " << v;
    }
  }
  EXPECT_EQ(store_->count("acme"), 3u);
}

TEST_P(DocumentStoreConformance, TenantsNeverSeeEachOthersDocuments) {
  ASSERT_TRUE(store_->put("acme", "doc-1", task("acme's"), Expected::no_stream(), kT0).written);
  EXPECT_FALSE(store_->get("globex", "doc-1"));
  ASSERT_TRUE(store_->put("globex", "doc-1", task("globex's"), Expected::no_stream(), kT0).written);
  ASSERT_TRUE(store_->put("acme", "doc-2", task("more"), Expected::no_stream(), kT0).written);
  EXPECT_EQ(store_->get("acme", "doc-1")->doc, task("acme's"));
  EXPECT_EQ(store_->get("globex", "doc-1")->doc, task("globex's"));
  EXPECT_EQ(store_->count("acme"), 2u);
  EXPECT_EQ(store_->count("globex"), 1u);
  EXPECT_EQ(store_->count("initech"), 0u);
}

TEST_P(DocumentStoreConformance, CreatesPastTheTenantsDocumentLimitAreRefused) {
  DocumentStoreOptions options;
  options.max_documents_per_tenant = 2;
  const auto store = open(options);
  ASSERT_TRUE(store->put("acme", "a", task("a"), Expected::no_stream(), kT0).written);
  ASSERT_TRUE(store->put("acme", "b", task("b"), Expected::no_stream(), kT0).written);
  EXPECT_TRUCE_ERROR(store->put("acme", "c", task("c"), Expected::any(), kT0), Code::LimitExceeded);
  EXPECT_FALSE(store->get("acme", "c"));
  EXPECT_TRUE(store->put("acme", "a", task("a2"), Expected::exact(1), kT0).written);  // updates still go
  EXPECT_TRUE(store->put("globex", "c", task("c"), Expected::no_stream(), kT0).written);
  EXPECT_EQ(store->count("acme"), 2u);
}

// Read, increment, write with the version read; on a conflict read again.
// Every acknowledged write must show in the final counter: no lost update.
TEST_P(DocumentStoreConformance, ConcurrentWritersOnTheirOwnConnectionsNeverLoseAnUpdate) {
  ASSERT_TRUE(store_->put("acme", "counter", task("counter", 0), Expected::no_stream(), kT0).written);
  constexpr int kThreads = 8, kIncrements = 25;
  std::atomic<int> acknowledged{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      const auto store = open();
      for (int done = 0; done < kIncrements;) {
        const StoredDocument current = *store->get("acme", "counter");
        Document next = current.doc;
        next["counter"] = current.doc["counter"].get<int>() + 1;
        if (store->put("acme", "counter", next, Expected::exact(current.version), kT0).written) {
          ++acknowledged;
          ++done;
        } else {
          ++conflicts;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const StoredDocument final_state = *store_->get("acme", "counter");
  EXPECT_EQ(acknowledged.load(), kThreads * kIncrements);
  EXPECT_EQ(final_state.doc["counter"], acknowledged.load());
  EXPECT_EQ(final_state.version, 1 + acknowledged.load());
  RecordProperty("conflicts", conflicts.load());
}

TEST_P(DocumentStoreConformance, RacingCreatesLetExactlyOneWin) {
  constexpr int kThreads = 8;
  std::atomic<int> written{0}, refused_with_state{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const auto store = open();
      while (!go) std::this_thread::yield();
      const PutResult result = store->put("acme", "fresh", task("by " + std::to_string(t)), Expected::no_stream(), kT0);
      if (result.written)
        ++written;
      else if (result.current && result.current->version == 1)
        ++refused_with_state;
    });
  }
  go = true;
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(written.load(), 1);
  EXPECT_EQ(refused_with_state.load(), kThreads - 1);
  EXPECT_EQ(store_->get("acme", "fresh")->version, 1);
}

TEST_P(DocumentStoreConformance, AnIdempotentWriteCommitsWithItsRecord) {
  const auto records = GetParam().idempotency(where_);
  IdempotencyLedger ledger(*records);
  const std::string key = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  const BeginResult begun = ledger.begin("acme", key, "fp-put", kT0);
  ASSERT_EQ(begun.kind, BeginResult::Kind::Proceed);
  IdempotentWrite write{"acme", key, begun.token, kT0 + 86400000, [](const StoredDocument& written) {
                          StoredResponse response;
                          response.status = 201;
                          response.headers = {{"etag", "\"" + std::to_string(written.version) + "\""}};
                          response.body = to_json_text(written.doc);
                          return response;
                        }};
  const PutResult result = store_->put("acme", "doc-1", task("once"), Expected::no_stream(), kT0, &write);
  ASSERT_TRUE(result.written);
  const BeginResult retry = ledger.begin("acme", key, "fp-put", kT0 + 5);
  ASSERT_EQ(retry.kind, BeginResult::Kind::Replay);
  EXPECT_EQ(retry.response->status, 201);
  EXPECT_EQ(retry.response->headers["etag"], "\"1\"");
  EXPECT_EQ(parse_json(retry.response->body), task("once"));
}

TEST_P(DocumentStoreConformance, AWriteWhoseClaimWasLostChangesNothing) {
  const auto records = GetParam().idempotency(where_);
  IdempotencyLedger ledger(*records);
  const std::string key = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  ASSERT_TRUE(store_->put("acme", "doc-1", task("v1"), Expected::no_stream(), kT0).written);
  const BeginResult stale = ledger.begin("acme", key, "fp-put", kT0);
  const BeginResult fresh = ledger.begin("acme", key, "fp-put", kT0 + 60000);  // after the lease
  ASSERT_EQ(fresh.kind, BeginResult::Kind::Proceed);
  IdempotentWrite write{"acme", key, stale.token, kT0 + 86400000,
                        [](const StoredDocument&) { return StoredResponse{}; }};
  EXPECT_TRUCE_ERROR(store_->put("acme", "doc-1", task("v2"), Expected::exact(1), kT0 + 60001, &write),
                     Code::IdempotencyLeaseLost);
  const auto after = store_->get("acme", "doc-1");
  EXPECT_EQ(after->version, 1);
  EXPECT_EQ(after->doc, task("v1"));
  EXPECT_FALSE(store_->get_version("acme", "doc-1", 2));
  EXPECT_EQ(records->find("acme", key)->state, IdempotencyRecord::State::InProgress);
}

TEST_P(DocumentStoreConformance, DocumentsSurviveANewConnection) {
  const Document big =
      parse_json(R"({"text": "line\nbreak \"quoted\" \u0000 nul", "n": [1.5, -0, 1e300, 9007199254740993]})");
  ASSERT_TRUE(store_->put("acme", "doc/with spaces ✓", big, Expected::no_stream(), kT0).written);
  store_.reset();
  const auto reopened = open();
  const auto stored = reopened->get("acme", "doc/with spaces ✓");
  ASSERT_TRUE(stored);
  EXPECT_EQ(to_json_text(stored->doc), to_json_text(big));
  EXPECT_EQ(stored->version, 1);
}

}  // namespace
}  // namespace truce::testing
