#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

#include "idempotency_store_conformance.hpp"
#include "test_support.hpp"
#include "truce/memory_idempotency_store.hpp"

namespace truce::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Memory, IdempotencyStoreConformance,
                         ::testing::Values(StoreFactory{
                             "memory", [] { return std::make_unique<MemoryIdempotencyStore>(); }, nullptr}),
                         [](const ::testing::TestParamInfo<StoreFactory>& param) { return param.param.name; });

ClaimRequest request(const std::string& key, UnixMs now, std::size_t body = 0) {
  return {"scope", key, "fp", "token-" + key + std::string(body, 'x'), now, now + 60000, now + 86400000};
}

TEST(MemoryIdempotencyStore, EvictsLeastRecentlyUsedCompletedRecordsOnly) {
  MemoryStoreLimits limits;
  limits.max_entries = 3;
  MemoryIdempotencyStore store(limits);
  for (const char* key : {"k1", "k2"}) {
    ASSERT_TRUE(store.claim(request(key, 0)).claimed);
    ASSERT_TRUE(store.complete("scope", key, std::string("token-") + key, StoredResponse{}, 86400000));
  }
  ASSERT_TRUE(store.claim(request("k3", 0)).claimed);  // in progress
  EXPECT_FALSE(store.claim(request("k1", 1)).claimed);  // a replay: k1 is now the most recently used
  ASSERT_TRUE(store.claim(request("k4", 2)).claimed);   // evicts k2, the least recently used completed one
  EXPECT_TRUE(store.find("scope", "k1"));
  EXPECT_FALSE(store.find("scope", "k2"));
  EXPECT_TRUE(store.find("scope", "k3"));
  EXPECT_EQ(store.size(), 3u);
}

TEST(MemoryIdempotencyStore, RefusesNewClaimsWhenOnlyClaimsInProgressRemain) {
  MemoryStoreLimits limits;
  limits.max_entries = 2;
  MemoryIdempotencyStore store(limits);
  ASSERT_TRUE(store.claim(request("k1", 0)).claimed);
  ASSERT_TRUE(store.claim(request("k2", 0)).claimed);
  EXPECT_TRUCE_ERROR(store.claim(request("k3", 0)), Code::LimitExceeded);
  EXPECT_TRUE(store.find("scope", "k1"));  // nothing in progress was evicted
  EXPECT_TRUE(store.find("scope", "k2"));
  EXPECT_FALSE(store.find("scope", "k3"));
}

TEST(MemoryIdempotencyStore, StaysWithinItsByteBudget) {
  MemoryStoreLimits limits;
  limits.max_bytes = 64 * 1024;
  MemoryIdempotencyStore store(limits);
  StoredResponse big;
  big.body = std::string(4096, 'b');
  for (int i = 0; i < 200; ++i) {
    const std::string key = "key-" + std::to_string(i);
    ASSERT_TRUE(store.claim(request(key, i)).claimed);
    ASSERT_TRUE(store.complete("scope", key, "token-" + key, big, 86400000));
    ASSERT_LE(store.bytes(), limits.max_bytes);
  }
  EXPECT_GT(store.size(), 5u);
  EXPECT_LT(store.size(), 16u);
  EXPECT_TRUE(store.find("scope", "key-199"));  // the newest survive
  StoredResponse huge;
  huge.body = std::string(limits.max_bytes, 'h');
  ASSERT_TRUE(store.claim(request("huge", 0)).claimed);
  EXPECT_TRUCE_ERROR(store.complete("scope", "huge", "token-huge", huge, 1), Code::LimitExceeded);
}

// The store's index is an open-addressing table with backward-shift deletion:
// random claims, completions, releases and purges over a few hundred keys
// (enough to grow the table and wrap its probe runs) must agree with a plain
// std::map model at every step.
TEST(MemoryIdempotencyStore, AgreesWithAMapModelUnderRandomOperations) {
  struct Model {
    bool completed = false;
    UnixMs expires_at = 0;
  };
  std::mt19937_64 random(20261123);
  for (int round = 0; round < 20; ++round) {
    MemoryIdempotencyStore store;
    std::map<std::string, Model> model;
    UnixMs now = 0;
    for (int step = 0; step < 3000; ++step) {
      const std::string key = "k" + std::to_string(random() % 400);
      const std::string scope = random() % 2 ? "scope" : "other";
      const std::string id = scope + "/" + key;
      const std::string token = "token-" + key;
      now += static_cast<UnixMs>(random() % 3);
      switch (random() % 4) {
        case 0: {
          const bool fresh = !model.count(id) || model[id].expires_at <= now;
          ClaimRequest claim{scope, key, "fp", token, now, now + 1000000, now + 500};
          ASSERT_EQ(store.claim(claim).claimed, fresh) << id;
          if (fresh) model[id] = {false, now + 500};
          break;
        }
        case 1: {
          const bool held = model.count(id) && !model[id].completed;
          ASSERT_EQ(store.complete(scope, key, token, StoredResponse{}, now + 500), held) << id;
          if (held) model[id] = {true, now + 500};
          break;
        }
        case 2: {
          const bool held = model.count(id) && !model[id].completed;
          ASSERT_EQ(store.release(scope, key, token), held) << id;
          if (held) model.erase(id);
          break;
        }
        default: {
          if (random() % 20) break;
          std::size_t expired = 0;
          for (auto it = model.begin(); it != model.end();) {
            if (it->second.expires_at <= now) {
              it = model.erase(it);
              ++expired;
            } else {
              ++it;
            }
          }
          ASSERT_EQ(store.purge_expired(now), expired);
        }
      }
      ASSERT_EQ(store.size(), model.size());
    }
    for (const auto& [id, entry] : model) {
      const auto slash = id.find('/');
      const auto found = store.find(id.substr(0, slash), id.substr(slash + 1));
      ASSERT_TRUE(found) << id;
      EXPECT_EQ(found->state == IdempotencyRecord::State::Completed, entry.completed) << id;
    }
  }
}

TEST(StoredResponse, RoundTripsThroughJsonAndRefusesNonsense) {
  StoredResponse r;
  r.status = 201;
  r.headers = {{"etag", "\"v2\""}};
  r.body = "{}";
  EXPECT_EQ(StoredResponse::from_json(r.to_json()), r);
  EXPECT_TRUCE_ERROR(StoredResponse::from_json({{"status", 42}}), Code::InvalidArgument);
  EXPECT_TRUCE_ERROR(StoredResponse::from_json({{"status", 200}, {"headers", {{"a", 1}}}}), Code::InvalidArgument);
}

}  // namespace
}  // namespace truce::testing
