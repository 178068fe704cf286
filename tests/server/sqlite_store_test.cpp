#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "document_store_conformance.hpp"
#include "idempotency_store_conformance.hpp"
#include "store_race.hpp"
#include "temp_dir.hpp"
#include "truce/sqlite_document_store.hpp"
#include "truce/sqlite_idempotency_store.hpp"

namespace truce::testing {
namespace {

std::string fresh_path() {
  static const TempDir dir{"truce-sqlite"};
  static int counter = 0;
  return (dir.path / ("store-" + std::to_string(counter++) + ".db")).string();
}

std::string current_path;

INSTANTIATE_TEST_SUITE_P(Sqlite, DocumentStoreConformance,
                         ::testing::Values(DocumentStoreFactory{
                             "sqlite", fresh_path,
                             [](const std::string& path, DocumentStoreOptions options) {
                               return std::make_unique<SqliteDocumentStore>(path, options);
                             },
                             [](const std::string& path) { return std::make_unique<SqliteIdempotencyStore>(path); }}),
                         [](const ::testing::TestParamInfo<DocumentStoreFactory>& param) { return param.param.name; });

INSTANTIATE_TEST_SUITE_P(Sqlite, IdempotencyStoreConformance,
                         ::testing::Values(StoreFactory{
                             "sqlite",
                             [] {
                               current_path = fresh_path();
                               return std::make_unique<SqliteIdempotencyStore>(current_path);
                             },
                             [] { return std::make_unique<SqliteIdempotencyStore>(current_path); }}),
                         [](const ::testing::TestParamInfo<StoreFactory>& param) { return param.param.name; });

constexpr UnixMs kT0 = 1767225600000;
const std::string kBinaryBody("bytes \0 and \xff kept", 18);  // a NUL and a byte that is not UTF-8

TEST(SqliteIdempotencyStore, RecordsSurviveARestart) {
  const std::string path = fresh_path();
  std::string token;
  {
    SqliteIdempotencyStore store(path);
    IdempotencyLedger ledger(store);
    token = ledger.begin("tenant-a", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "fp", kT0).token;
    StoredResponse response;
    response.status = 201;
    response.headers = {{"etag", "\"v1\""}};
    response.body = kBinaryBody;
    ledger.complete("tenant-a", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", token, response, kT0 + 1);
  }
  SqliteIdempotencyStore reopened(path);
  IdempotencyLedger ledger(reopened);
  const BeginResult replay = ledger.begin("tenant-a", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "fp", kT0 + 2);
  ASSERT_EQ(replay.kind, BeginResult::Kind::Replay);
  EXPECT_EQ(replay.response->status, 201);
  EXPECT_EQ(replay.response->headers, Document({{"etag", "\"v1\""}}));
  EXPECT_EQ(replay.response->body, kBinaryBody);
}

TEST(SqliteIdempotencyStore, FourProcessesRacingForOneKeyLetExactlyOneProceed) {
  const std::string path = fresh_path();
  { SqliteIdempotencyStore create(path); }
  const RaceOutcome outcome = race_processes(
      4, [&] { return std::make_unique<SqliteIdempotencyStore>(path); }, "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", kT0);
  EXPECT_EQ(outcome.proceeded, 1);
  EXPECT_EQ(outcome.in_progress, 3);
  EXPECT_EQ(outcome.other, 0);
}

TEST(SqliteIdempotencyStore, AnUnopenableFileIsStoreUnavailable) {
  try {
    SqliteIdempotencyStore store("/nonexistent-dir/truce.db");
    ADD_FAILURE() << "opened";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), Code::StoreUnavailable);
    EXPECT_EQ(error.status(), 503);
  }
}

}  // namespace
}  // namespace truce::testing
