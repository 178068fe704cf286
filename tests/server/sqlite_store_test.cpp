#include <gtest/gtest.h>

#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "document_store_conformance.hpp"
#include "idempotency_store_conformance.hpp"
#include "store_race.hpp"
#include "temp_dir.hpp"
#include "truce/json.hpp"
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

// The file as another program sees it (an older truce-host, sqlite3): plain
// statements, no store in between.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) { opened_ = sqlite3_open(path.c_str(), &db_) == SQLITE_OK; }
  ~RawDatabase() { sqlite3_close(db_); }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;

  bool opened() const { return opened_; }
  int run(const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr); }
  // Every value of every row, each followed by ';'.
  std::string rows(const char* sql) {
    std::string out;
    sqlite3_exec(
        db_, sql,
        [](void* text, int columns, char** values, char**) {
          for (int i = 0; i < columns; ++i)
            *static_cast<std::string*>(text) += std::string(values[i] ? values[i] : "NULL") + ";";
          return 0;
        },
        &out, nullptr);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
  bool opened_ = false;
};

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

// Checkpoints run on a thread of their own (sqlite_checkpointer.hpp); under
// a write load that never pauses, the log must still be copied back and
// restarted, not grow with every write.
TEST(SqliteDocumentStore, TheLogStaysBoundedUnderASteadyWriteLoad) {
  const std::string path = fresh_path();
  constexpr int kWriters = 4, kDocsEach = 50, kRounds = 150;  // 30,000 writes, about 72,000 log frames
  std::atomic<bool> writing{true};
  std::uintmax_t largest_log = 0;
  {
    SqliteDocumentStore store(path);
    std::thread watcher([&] {
      while (writing) {
        std::error_code ignored;
        const std::uintmax_t size = std::filesystem::file_size(path + "-wal", ignored);
        if (!ignored && size > largest_log) largest_log = size;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&store, w] {
        const std::string padding(200, 'x');
        for (Version v = 0; v < kRounds; ++v) {
          for (int d = 0; d < kDocsEach; ++d) {
            const Document doc = {{"title", "task " + std::to_string(d)}, {"round", v}, {"notes", padding}};
            const Expected expected = v == 0 ? Expected::no_stream() : Expected::exact(v);
            store.put("acme", std::to_string(w) + "-" + std::to_string(d), doc, expected, kT0 + v);
          }
        }
      });
    }
    for (auto& writer : writers) writer.join();
    writing = false;
    watcher.join();
  }
  // SQLite's own checkpoints would hold it near 4 MB; ours restart it past
  // 8,000 frames (33 MB with 4 KiB pages), once the checkpointer gets its
  // turn: on a machine busy with other work that has been seen to take the
  // log to 60 MB, and under two parallel test runs to 135 MB. Without
  // checkpoints, or without the restart, every one of the 72,000 frames stays:
  // about 300 MB whatever the load, so 200 MB still tells the two apart.
  EXPECT_LT(largest_log, 200u << 20);

  SqliteDocumentStore reopened(path);
  for (int w = 0; w < kWriters; ++w) {
    for (int d = 0; d < kDocsEach; ++d) {
      const auto stored = reopened.get("acme", std::to_string(w) + "-" + std::to_string(d));
      ASSERT_TRUE(stored);
      EXPECT_EQ(stored->version, kRounds);
    }
  }
  RawDatabase db(path);
  ASSERT_TRUE(db.opened());
  EXPECT_EQ(db.rows("PRAGMA integrity_check"), "ok;");
}

// A file from before truce_document_ids, where truce_documents held a copy
// of each current version: opened, it keeps every document and version it
// had and takes the next write.
TEST(SqliteDocumentStore, AFileInTheOlderLayoutKeepsItsDocumentsAndHistory) {
  const std::string path = fresh_path();
  {
    RawDatabase db(path);
    ASSERT_TRUE(db.opened());
    ASSERT_EQ(db.run(R"sql(
      CREATE TABLE truce_documents (tenant TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
        doc TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (tenant, id)) WITHOUT ROWID;
      CREATE TABLE truce_document_versions (tenant TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
        doc TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (tenant, id, version)) WITHOUT ROWID;
      INSERT INTO truce_documents VALUES ('acme', 'a', 2, '{"v":2}', 20), ('acme', 'b', 1, '{"b":1}', 30);
      INSERT INTO truce_document_versions VALUES ('acme', 'a', 1, '{"v":1}', 10), ('acme', 'a', 2, '{"v":2}', 20),
        ('acme', 'b', 1, '{"b":1}', 30);)sql"),
              SQLITE_OK);
  }
  SqliteDocumentStore store(path);
  EXPECT_EQ(store.count("acme"), 2u);
  const auto a = store.get("acme", "a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->version, 2);
  EXPECT_EQ(a->doc, parse_json(R"({"v":2})"));
  EXPECT_EQ(a->updated_at, 20);
  ASSERT_TRUE(store.get_version("acme", "a", 1));
  EXPECT_EQ(store.get_version("acme", "a", 1)->doc, parse_json(R"({"v":1})"));
  EXPECT_FALSE(store.put("acme", "b", parse_json("{}"), Expected::no_stream(), kT0).written);
  const PutResult next = store.put("acme", "a", parse_json(R"({"v":3})"), Expected::exact(2), kT0);
  ASSERT_TRUE(next.written);
  EXPECT_EQ(next.version, 3);
  EXPECT_EQ(store.get("acme", "a")->doc, parse_json(R"({"v":3})"));

  // What an older truce-host does on opening the file: its CREATE TABLE
  // finds the view and does nothing, its reads see the current versions,
  // its writes fail instead of starting documents over at version 1.
  RawDatabase db(path);
  ASSERT_TRUE(db.opened());
  EXPECT_EQ(db.rows("SELECT type FROM sqlite_master WHERE name = 'truce_documents'"), "view;");
  EXPECT_EQ(db.run(R"sql(
      CREATE TABLE IF NOT EXISTS truce_documents (tenant TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
        doc TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (tenant, id)) WITHOUT ROWID;)sql"),
            SQLITE_OK);
  EXPECT_EQ(db.rows("SELECT id, version, doc FROM truce_documents WHERE tenant = 'acme' ORDER BY id"),
            R"(a;3;{"v":3};b;1;{"b":1};)");
  EXPECT_NE(db.run("INSERT INTO truce_documents VALUES ('acme', 'c', 1, '{}', 40)"), SQLITE_OK);
  EXPECT_FALSE(store.get("acme", "c"));
}

TEST(SqliteDocumentStore, ANewFileOffersOlderTruceHostsTheCurrentDocumentsAsAReadOnlyView) {
  const std::string path = fresh_path();
  SqliteDocumentStore store(path);
  ASSERT_TRUE(store.put("acme", "a", parse_json(R"({"v":1})"), Expected::no_stream(), kT0).written);
  ASSERT_TRUE(store.put("acme", "a", parse_json(R"({"v":2})"), Expected::exact(1), kT0).written);
  RawDatabase db(path);
  ASSERT_TRUE(db.opened());
  EXPECT_EQ(db.rows("SELECT version FROM truce_documents WHERE tenant = 'acme' AND id = 'a'"), "2;");
  EXPECT_NE(db.run("UPDATE truce_documents SET version = 9"), SQLITE_OK);
}

}  // namespace
}  // namespace truce::testing
