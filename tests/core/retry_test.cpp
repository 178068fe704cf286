#include "truce/retry.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "test_support.hpp"

namespace truce {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(Backoff, DefaultScheduleIs10_20_40ms) {
  const Backoff backoff;
  EXPECT_EQ(backoff.delay(1), milliseconds(10));
  EXPECT_EQ(backoff.delay(2), milliseconds(20));
  EXPECT_EQ(backoff.delay(3), milliseconds(40));
}

TEST(Backoff, CapsAndNeverOverflows) {
  Backoff backoff;
  backoff.cap = milliseconds(25);
  EXPECT_EQ(backoff.delay(3), milliseconds(25));
  EXPECT_EQ(backoff.delay(100000), milliseconds(25));
}

TEST(Backoff, JitterTakesAFractionAwayByTheDraw) {
  Backoff backoff;
  backoff.jitter = 0.5;
  EXPECT_EQ(backoff.delay(2, 0.0), milliseconds(20));
  EXPECT_EQ(backoff.delay(2, 0.5), milliseconds(15));
  EXPECT_EQ(backoff.delay(2, 0.999), microseconds(10010));
}

TEST(Backoff, RejectsNonsense) {
  Backoff backoff;
  EXPECT_TRUCE_ERROR(backoff.delay(0), Code::InvalidArgument);
  EXPECT_TRUCE_ERROR(backoff.delay(1, 1.0), Code::InvalidArgument);
  backoff.jitter = 2;
  EXPECT_TRUCE_ERROR(backoff.validate(), Code::InvalidArgument);
  EXPECT_TRUCE_ERROR(Backoff::from_json(Document::parse(R"({"maxAttempts":0})")), Code::InvalidArgument);
  EXPECT_TRUCE_ERROR(Backoff::from_json(Document::parse(R"({"factor":0.5})")), Code::InvalidArgument);
  EXPECT_TRUCE_ERROR(Backoff::from_json(Document::parse(R"({"baseMs":"10"})")), Code::InvalidArgument);
  EXPECT_TRUCE_ERROR(Backoff::from_json(Document::parse(R"([])")), Code::InvalidArgument);
}

TEST(Backoff, JsonFormRoundTrips) {
  const Backoff parsed =
      Backoff::from_json(Document::parse(R"({"maxAttempts":5,"baseMs":7,"capMs":100,"jitter":0.25})"));
  EXPECT_EQ(parsed.max_attempts, 5);
  EXPECT_EQ(parsed.base, milliseconds(7));
  EXPECT_EQ(parsed.factor, 2.0);
  EXPECT_EQ(Backoff::from_json(parsed.to_json()).to_json(), parsed.to_json());
}

// A store whose version moves under the writer `conflicts` times before a write lands.
struct RacyStore {
  std::optional<Document> value;
  std::optional<Version> version;
  int conflicts_left = 0;
  int writes = 0;

  Snapshot load() const { return {value, version}; }
  Version store(const Document& next, const Expected& expected) {
    if (conflicts_left > 0) {
      --conflicts_left;
      value = Document(value.value_or(Document(0)).get<int>() + 100);  // someone else's write
      version = next_version(version);
    }
    if (auto conflict = check_version(expected, version)) throw *conflict;
    ++writes;
    value = next;
    version = next_version(version);
    return *version;
  }
};

struct Recorder {
  std::vector<microseconds> sleeps;
  std::vector<int> conflict_attempts;
  RetryHooks hooks() {
    RetryHooks h;
    h.sleep = [this](microseconds d) { sleeps.push_back(d); };
    h.on_conflict = [this](std::string_view id, int attempt, const Error& conflict) {
      EXPECT_EQ(id, "counter");
      EXPECT_EQ(conflict.code(), Code::VersionConflict);
      conflict_attempts.push_back(attempt);
    };
    return h;
  }
};

UpdateResult increment(RacyStore& db, Recorder& recorder, const Backoff& backoff = {}) {
  return update_with_retry(
      "counter", [&](std::string_view) { return db.load(); },
      [](const std::optional<Document>& current) { return Document(current.value_or(Document(0)).get<int>() + 1); },
      [&](std::string_view, const Document& next, const Expected& expected) { return db.store(next, expected); },
      backoff, recorder.hooks());
}

TEST(UpdateWithRetry, CreatesWithNoStreamThenUpdatesWithExactVersion) {
  RacyStore db;
  Recorder recorder;
  const UpdateResult first = increment(db, recorder);
  EXPECT_EQ(first.version, 1);
  EXPECT_EQ(first.value, 1);
  EXPECT_EQ(first.attempts, 1);
  EXPECT_EQ(increment(db, recorder).version, 2);
  EXPECT_TRUE(recorder.sleeps.empty());
}

TEST(UpdateWithRetry, ReReadsAfterEachConflictAndBacksOff) {
  RacyStore db;
  db.value = Document(0);
  db.version = 1;
  db.conflicts_left = 2;
  Recorder recorder;
  const UpdateResult result = increment(db, recorder);
  EXPECT_EQ(result.attempts, 3);
  EXPECT_EQ(result.value, 201);  // built on the others' writes: nothing lost
  EXPECT_EQ(result.version, 4);
  EXPECT_EQ(recorder.conflict_attempts, (std::vector<int>{1, 2}));
  EXPECT_EQ(recorder.sleeps, (std::vector<microseconds>{milliseconds(10), milliseconds(20)}));
}

TEST(UpdateWithRetry, GivesUpAfterMaxAttemptsNamingIdAndCount) {
  RacyStore db;
  db.value = Document(0);
  db.version = 1;
  db.conflicts_left = 3;
  Recorder recorder;
  try {
    increment(db, recorder);
    FAIL() << "did not give up";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), Code::VersionConflict);
    EXPECT_EQ(error.message(),
              "Gave up updating 'counter' after 3 attempts: Expected version 3, resource is at version 4");
    EXPECT_EQ(error.details().at("id"), "counter");
    EXPECT_EQ(error.details().at("attempts"), 3);
  }
  EXPECT_EQ(db.writes, 0);
  EXPECT_EQ(recorder.conflict_attempts, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(recorder.sleeps.size(), 2u);
}

TEST(UpdateWithRetry, OtherErrorsPropagateAtOnce) {
  Recorder recorder;
  int loads = 0;
  EXPECT_TRUCE_ERROR(update_with_retry(
                         "x",
                         [&](std::string_view) {
                           ++loads;
                           return Snapshot{};
                         },
                         [](const std::optional<Document>&) { return Document(1); },
                         [](std::string_view, const Document&, const Expected&) -> Version {
                           throw Error(Code::LimitExceeded, "too big");
                         },
                         Backoff{}, recorder.hooks()),
                     Code::LimitExceeded);
  EXPECT_EQ(loads, 1);
}

TEST(UpdateWithRetry, VerifiesTheStoreWroteExactlyTheNextVersion) {
  Recorder recorder;
  EXPECT_TRUCE_ERROR(
      update_with_retry(
          "x",
          [](std::string_view) {
            return Snapshot{Document(1), 4};
          },
          [](const std::optional<Document>&) { return Document(2); },
          [](std::string_view, const Document&, const Expected&) -> Version { return 7; }, Backoff{}, recorder.hooks()),
      Code::Internal);
}

TEST(UpdateWithRetry, JitterDrawsFromTheInjectedSource) {
  RacyStore db;
  db.version = 1;
  db.value = Document(0);
  db.conflicts_left = 1;
  Recorder recorder;
  RetryHooks hooks = recorder.hooks();
  int draws = 0;
  hooks.random = [&] {
    ++draws;
    return 0.5;
  };
  Backoff backoff;
  backoff.jitter = 1.0;
  update_with_retry(
      "counter", [&](std::string_view) { return db.load(); },
      [](const std::optional<Document>& current) { return Document(current->get<int>() + 1); },
      [&](std::string_view, const Document& next, const Expected& expected) { return db.store(next, expected); },
      backoff, hooks);
  EXPECT_EQ(draws, 1);
  EXPECT_EQ(recorder.sleeps, (std::vector<microseconds>{milliseconds(5)}));
}

TEST(UpdateWithRetry, RequiresItsCollaborators) {
  EXPECT_TRUCE_ERROR(update_with_retry("x", nullptr, nullptr, nullptr, Backoff{}, RetryHooks{}), Code::InvalidArgument);
  Backoff jittery;
  jittery.jitter = 0.5;
  RetryHooks no_random;
  no_random.sleep = [](microseconds) {};
  EXPECT_TRUCE_ERROR(
      update_with_retry(
          "x", [](std::string_view) { return Snapshot{}; }, [](const std::optional<Document>&) { return Document(); },
          [](std::string_view, const Document&, const Expected&) -> Version { return 1; }, jittery, no_random),
      Code::InvalidArgument);
}

}  // namespace
}  // namespace truce
