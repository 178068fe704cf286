#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>

#include "document_store_conformance.hpp"
#include "idempotency_store_conformance.hpp"
#include "store_race.hpp"
#include "truce/postgres_document_store.hpp"
#include "truce/postgres_idempotency_store.hpp"

// The cluster comes from tests/server/pg_cluster.sh (a CTest fixture):
// TRUCE_PG_DIR names its folder, holding `conninfo`, or `skip` with the reason.

namespace truce::testing {
namespace {

std::string read_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string cluster_dir() {
  const char* dir = std::getenv("TRUCE_PG_DIR");
  return dir ? dir : "";
}

// The reason to skip, or "" when a server is there.
std::string skip_reason() {
  if (cluster_dir().empty()) return "TRUCE_PG_DIR is not set (run through ctest, which starts a cluster)";
  const std::string reason = read_line(cluster_dir() + "/skip");
  if (!reason.empty()) return reason;
  if (read_line(cluster_dir() + "/conninfo").empty()) return "no conninfo in " + cluster_dir();
  return "";
}

std::string conninfo() { return read_line(cluster_dir() + "/conninfo"); }

// A fresh store: the same table, emptied.
std::unique_ptr<IdempotencyStore> fresh_store() {
  auto store = std::make_unique<PostgresIdempotencyStore>(conninfo());
  store->purge_expired(std::numeric_limits<UnixMs>::max());
  return store;
}

constexpr UnixMs kT0 = 1767225600000;

INSTANTIATE_TEST_SUITE_P(Postgres, IdempotencyStoreConformance,
                         ::testing::Values(StoreFactory{
                             "postgres", fresh_store,
                             [] { return std::make_unique<PostgresIdempotencyStore>(conninfo()); }, skip_reason}),
                         [](const ::testing::TestParamInfo<StoreFactory>& param) { return param.param.name; });

// A fresh database: the same tables, emptied.
std::string fresh_database() {
  PostgresIdempotencyStore tables{conninfo()};  // creates the tables if missing
  PGconn* conn = PQconnectdb(conninfo().c_str());
  PGresult* result = PQexec(conn, "TRUNCATE truce_documents, truce_document_versions, truce_idempotency");
  const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  PQclear(result);
  PQfinish(conn);
  if (!ok) throw std::runtime_error("could not empty the PostgreSQL tables");
  return conninfo();
}

INSTANTIATE_TEST_SUITE_P(Postgres, DocumentStoreConformance,
                         ::testing::Values(DocumentStoreFactory{
                             "postgres", fresh_database,
                             [](const std::string& where, DocumentStoreOptions options) {
                               return std::make_unique<PostgresDocumentStore>(where, options);
                             },
                             [](const std::string& where) { return std::make_unique<PostgresIdempotencyStore>(where); },
                             skip_reason}),
                         [](const ::testing::TestParamInfo<DocumentStoreFactory>& param) { return param.param.name; });

// The server drops the store's session (a restart, a failover, an admin):
// at most the call that notices fails, STORE_UNAVAILABLE; the next one
// reconnects, prepares its statements again, and works.
TEST(PostgresDocumentStoreReconnect, TheCallAfterALostSessionReconnects) {
  if (const std::string reason = skip_reason(); !reason.empty()) GTEST_SKIP() << reason;
  fresh_database();
  PostgresDocumentStore store(conninfo());
  ASSERT_TRUE(store.put("acme", "doc-1", {{"n", 1}}, Expected::no_stream(), 1).written);
  PGconn* admin = PQconnectdb(conninfo().c_str());
  PGresult* killed = PQexec(admin,
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE pid <> pg_backend_pid() AND datname = current_database()");
  ASSERT_EQ(PQresultStatus(killed), PGRES_TUPLES_OK);
  ASSERT_GE(PQntuples(killed), 1);
  PQclear(killed);
  PQfinish(admin);
  int failures = 0;
  std::optional<StoredDocument> read;
  for (int attempt = 0; attempt < 2 && !read; ++attempt) {
    try {
      read = store.get("acme", "doc-1");
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), Code::StoreUnavailable);
      ++failures;
    }
  }
  ASSERT_TRUE(read);
  EXPECT_LE(failures, 1);
  EXPECT_EQ(read->version, 1);
  EXPECT_TRUE(store.put("acme", "doc-1", {{"n", 2}}, Expected::exact(1), 2).written);
}

class PostgresIdempotencyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string reason = skip_reason(); !reason.empty()) GTEST_SKIP() << reason;
  }
};

TEST_F(PostgresIdempotencyStoreTest, FourProcessesRacingForOneKeyLetExactlyOneProceed) {
  fresh_store();
  const RaceOutcome outcome = race_processes(
      4, [] { return std::make_unique<PostgresIdempotencyStore>(conninfo()); }, "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
      kT0);
  EXPECT_EQ(outcome.proceeded, 1);
  EXPECT_EQ(outcome.in_progress, 3);
  EXPECT_EQ(outcome.other, 0);
}

TEST_F(PostgresIdempotencyStoreTest, BinaryBodiesAndHeadersSurviveANewConnection) {
  const std::string body("bytes \0 and \xff kept", 18);
  {
    auto store = fresh_store();
    IdempotencyLedger ledger(*store);
    const std::string token = ledger.begin("tenant-a", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "fp", kT0).token;
    StoredResponse response;
    response.status = 201;
    response.headers = {{"etag", "\"v1\""}};
    response.body = body;
    ledger.complete("tenant-a", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", token, response, kT0 + 1);
  }
  PostgresIdempotencyStore other(conninfo());
  IdempotencyLedger ledger(other);
  const BeginResult replay = ledger.begin("tenant-a", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "fp", kT0 + 2);
  ASSERT_EQ(replay.kind, BeginResult::Kind::Replay);
  EXPECT_EQ(replay.response->headers, Document({{"etag", "\"v1\""}}));
  EXPECT_EQ(replay.response->body, body);
}

TEST(PostgresIdempotencyStore, AnUnreachableServerIsStoreUnavailable) {
  try {
    PostgresIdempotencyStore store("host=127.0.0.1 port=1 connect_timeout=2");
    ADD_FAILURE() << "connected";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), Code::StoreUnavailable);
  }
}

}  // namespace
}  // namespace truce::testing
