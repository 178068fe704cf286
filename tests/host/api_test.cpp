// truce-host's document API over real HTTP: each test starts the host as a
// process of its own on a loopback port (SQLite in a temporary folder, or the
// test run's PostgreSQL cluster) and talks to it with cpp-httplib's client.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "host_process.hpp"
#include "temp_dir.hpp"
#include "truce/fingerprint.hpp"
#include "truce/idempotency_key.hpp"
#include "truce/idempotency_ledger.hpp"
#include "truce/json.hpp"
#include "truce/retry.hpp"
#include "truce/sqlite_idempotency_store.hpp"

namespace truce::testing {
namespace {

// A host on a fresh SQLite file (unless the flags name another store).
struct Host {
  explicit Host(std::vector<std::string> flags = {}) {
    bool has_store = false;
    for (const auto& flag : flags) has_store |= flag == "--store";
    if (!has_store) flags.insert(flags.end(), {"--store", "sqlite:" + (dir.path / "truce.db").string()});
    process = std::make_unique<HostProcess>(TRUCE_HOST_BIN, flags, (dir.path / "host.log").string());
  }

  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", process->port());
    c->set_read_timeout(10, 0);
    return c;
  }

  TempDir dir{"truce-host"};
  std::unique_ptr<HostProcess> process;
};

const httplib::Headers kNone;

httplib::Headers with(std::initializer_list<std::pair<const std::string, std::string>> headers) {
  return httplib::Headers(headers);
}

Document body_of(const httplib::Result& result) { return parse_json(result->body); }

// The fingerprint truce-host keys a PUT's idempotency record with
// (docs/decisions.md): method, decoded path, body and precondition.
std::string put_fingerprint(const std::string& id, const Document& body, const Expected& expected) {
  return fingerprint("PUT", "/api/docs/" + id, {{"body", body}, {"precondition", expected.to_json()}});
}

TEST(HostApi, AnAbsentDocumentIs404ProblemJson) {
  Host host;
  const auto r = host.client()->Get("/api/docs/nothing");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json");
  EXPECT_EQ(body_of(r)["code"], "NOT_FOUND");
  EXPECT_EQ(body_of(r)["instance"], "/api/docs/nothing");
}

TEST(HostApi, CreateReadAndConditionalRead) {
  Host host;
  auto c = host.client();
  const auto created =
      c->Put("/api/docs/task-1", with({{"If-None-Match", "*"}}), R"({"title":"Write docs"})", "application/json");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201);
  EXPECT_EQ(created->get_header_value("ETag"), "\"1\"");
  EXPECT_EQ(created->get_header_value("X-Version"), "1");
  const auto read = c->Get("/api/docs/task-1");
  EXPECT_EQ(read->status, 200);
  EXPECT_EQ(body_of(read), parse_json(R"({"title":"Write docs"})"));
  EXPECT_EQ(read->get_header_value("ETag"), "\"1\"");
  const auto unchanged = c->Get("/api/docs/task-1", with({{"If-None-Match", "\"1\""}}));
  EXPECT_EQ(unchanged->status, 304);
  EXPECT_EQ(unchanged->body, "");
  EXPECT_EQ(c->Get("/api/docs/task-1", with({{"If-None-Match", "\"0\""}}))->status, 200);
  // A Range header does not cut a document short.
  const auto ranged = c->Get("/api/docs/task-1", with({{"Range", "bytes=0-0"}}));
  EXPECT_EQ(ranged->status, 200);
  EXPECT_EQ(body_of(ranged), parse_json(R"({"title":"Write docs"})"));
  // A second create of the same id: 412 carrying what is there.
  const auto again = c->Put("/api/docs/task-1", with({{"If-None-Match", "*"}}), "{}", "application/json");
  EXPECT_EQ(again->status, 412);
  EXPECT_EQ(body_of(again)["details"]["current"], parse_json(R"({"title":"Write docs"})"));
}

TEST(HostApi, AStaleWriteIs412WithTheCurrentVersionAndDocument) {
  Host host;
  auto c = host.client();
  ASSERT_EQ(c->Put("/api/docs/d", with({{"If-None-Match", "*"}}), R"({"n":1})", "application/json")->status, 201);
  ASSERT_EQ(c->Put("/api/docs/d", with({{"If-Match", "\"1\""}}), R"({"n":2})", "application/json")->status, 200);
  const auto stale = c->Put("/api/docs/d", with({{"If-Match", "\"1\""}}), R"({"n":99})", "application/json");
  ASSERT_EQ(stale->status, 412);
  EXPECT_EQ(stale->get_header_value("Content-Type"), "application/problem+json");
  EXPECT_EQ(stale->get_header_value("ETag"), "\"2\"");
  const Document problem = body_of(stale);
  EXPECT_EQ(problem["code"], "PRECONDITION_FAILED");
  EXPECT_EQ(problem["details"]["actual"], 2);
  EXPECT_EQ(problem["details"]["current"], parse_json(R"({"n":2})"));
  // X-Expected-Version works the same way.
  EXPECT_EQ(c->Put("/api/docs/d", with({{"X-Expected-Version", "1"}}), "{}", "application/json")->status, 412);
  const auto fresh = c->Put("/api/docs/d", with({{"X-Expected-Version", "2"}}), R"({"n":3})", "application/json");
  EXPECT_EQ(fresh->status, 200);
  EXPECT_EQ(fresh->get_header_value("ETag"), "\"3\"");
  EXPECT_EQ(body_of(c->Get("/api/docs/d")), parse_json(R"({"n":3})"));
}

TEST(HostApi, AWriteWithoutAPreconditionIs428UnlessAllowed) {
  Host strict;
  const auto refused = strict.client()->Put("/api/docs/d", kNone, "{}", "application/json");
  EXPECT_EQ(refused->status, 428);
  EXPECT_EQ(body_of(refused)["code"], "PRECONDITION_REQUIRED");
  EXPECT_EQ(strict.client()->Get("/api/docs/d")->status, 404);
  Host lenient({"--allow-unconditional"});
  EXPECT_EQ(lenient.client()->Put("/api/docs/d", kNone, "{}", "application/json")->status, 201);
  EXPECT_EQ(lenient.client()->Put("/api/docs/d", kNone, "[]", "application/json")->get_header_value("ETag"), "\"2\"");
}

TEST(HostApi, AnIdempotencyKeyGivesEveryRetryTheFirstAnswer) {
  Host host;
  auto c = host.client();
  const auto key = with({{"If-None-Match", "*"}, {"Idempotency-Key", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}});
  const auto first = c->Put("/api/docs/d", key, R"({"n":1})", "application/json");
  ASSERT_EQ(first->status, 201);
  EXPECT_FALSE(first->has_header("Idempotent-Replayed"));
  const auto retry = c->Put("/api/docs/d", key, R"({ "n" : 1 })", "application/json");  // same JSON, other spelling
  EXPECT_EQ(retry->status, 201);
  EXPECT_EQ(retry->get_header_value("Idempotent-Replayed"), "true");
  EXPECT_EQ(retry->get_header_value("ETag"), "\"1\"");
  EXPECT_EQ(retry->body, first->body);
  const auto reused = c->Put("/api/docs/d", key, R"({"n":2})", "application/json");
  EXPECT_EQ(reused->status, 422);
  // The same body with another precondition is another request too.
  auto other_precondition = key;
  other_precondition.erase("If-None-Match");
  other_precondition.emplace("If-Match", "\"1\"");
  EXPECT_EQ(c->Put("/api/docs/d", other_precondition, R"({"n":1})", "application/json")->status, 422);
  EXPECT_EQ(body_of(reused)["code"], "IDEMPOTENCY_KEY_REUSED");
  EXPECT_EQ(c->Get("/api/docs/d")->get_header_value("X-Version"), "1");
  // Another tenant with the same key is another request altogether.
  auto other = key;
  other.emplace("X-Tenant", "globex");
  const auto theirs = c->Put("/api/docs/d", other, R"({"n":2})", "application/json");
  EXPECT_EQ(theirs->status, 201);
  EXPECT_FALSE(theirs->has_header("Idempotent-Replayed"));
  EXPECT_EQ(body_of(c->Get("/api/docs/d", with({{"X-Tenant", "globex"}}))), parse_json(R"({"n":2})"));
  EXPECT_EQ(body_of(c->Get("/api/docs/d")), parse_json(R"({"n":1})"));
  // A refusal is an answer too: the retry of a stale write replays its 412.
  const auto stale_key = with({{"If-Match", "\"9\""}, {"Idempotency-Key", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"}});
  EXPECT_EQ(c->Put("/api/docs/d", stale_key, "{}", "application/json")->status, 412);
  const auto replayed = c->Put("/api/docs/d", stale_key, "{}", "application/json");
  EXPECT_EQ(replayed->status, 412);
  EXPECT_EQ(replayed->get_header_value("Idempotent-Replayed"), "true");
}

TEST(HostApi, TheKeyCanBeRequiredAndMustBeAcceptable) {
  Host host({"--require-idempotency-key"});
  auto c = host.client();
  const auto missing = c->Put("/api/docs/d", with({{"If-None-Match", "*"}}), "{}", "application/json");
  EXPECT_EQ(missing->status, 400);
  EXPECT_EQ(body_of(missing)["code"], "IDEMPOTENCY_KEY_MISSING");
  const auto weak = c->Put("/api/docs/d", with({{"If-None-Match", "*"}, {"Idempotency-Key", "aaaaaaaaaaaaaaaaaaaa"}}),
                           "{}", "application/json");
  EXPECT_EQ(weak->status, 400);
  EXPECT_EQ(body_of(weak)["code"], "IDEMPOTENCY_KEY_INVALID");
  EXPECT_EQ(c->Get("/api/docs/d")->status, 404);
}

// The same key still running in another process (here: a claim taken
// straight on the host's database): 409 with Retry-After, nothing written.
TEST(HostApi, ADuplicateInFlightElsewhereIs409WithRetryAfter) {
  Host host;
  const std::string key = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  {
    SqliteIdempotencyStore records((host.dir.path / "truce.db").string());
    IdempotencyLedger ledger(records);
    const UnixMs now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    ASSERT_EQ(ledger.begin("public", key, put_fingerprint("d", parse_json("{}"), Expected::no_stream()), now).kind,
              BeginResult::Kind::Proceed);
  }
  const auto busy = host.client()->Put("/api/docs/d", with({{"If-None-Match", "*"}, {"Idempotency-Key", key}}), "{}",
                                       "application/json");
  ASSERT_EQ(busy->status, 409);
  EXPECT_EQ(body_of(busy)["code"], "IDEMPOTENCY_IN_PROGRESS");
  const int retry_after = std::stoi(busy->get_header_value("Retry-After"));
  EXPECT_GE(retry_after, 59);
  EXPECT_LE(retry_after, 60);
  EXPECT_EQ(host.client()->Get("/api/docs/d")->status, 404);
}

// 50 identical requests at once with one key: one write, 50 identical answers.
TEST(HostApi, FiftyConcurrentDuplicatesWriteOnce) {
  Host host({"--threads", "16"});
  std::vector<std::thread> threads;
  std::vector<std::string> bodies(50);
  std::vector<int> statuses(50);
  std::atomic<bool> go{false};
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      auto c = host.client();
      while (!go) std::this_thread::yield();
      const auto r = c->Put("/api/docs/once",
                            with({{"If-None-Match", "*"}, {"Idempotency-Key", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}}),
                            R"({"charged":100})", "application/json");
      statuses[static_cast<std::size_t>(i)] = r ? r->status : -static_cast<int>(r.error());
      bodies[static_cast<std::size_t>(i)] = r ? r->body : "";
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<int>(statuses.begin(), statuses.end()), std::set<int>{201});
  EXPECT_EQ(std::set<std::string>(bodies.begin(), bodies.end()).size(), 1u);
  EXPECT_EQ(host.client()->Get("/api/docs/once")->get_header_value("X-Version"), "1");
}

// Every limit and malformed input gets its problem, nothing is stored, and
// the server keeps serving.
TEST(HostApi, HostileInputIsRefusedAndTheServerKeepsServing) {
  Host host({"--max-body-bytes", "1000", "--max-depth", "10", "--max-documents", "2"});
  auto c = host.client();
  const auto create = with({{"If-None-Match", "*"}});
  const auto expect_problem = [&](const httplib::Result& r, int status, const char* code) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(body_of(r)["code"], code) << r->body;
  };
  expect_problem(c->Put("/api/docs/big", create, std::string(2000, ' ') + "{}", "application/json"), 413,
                 "LIMIT_EXCEEDED");
  expect_problem(c->Put("/api/docs/deep", create, std::string(20, '[') + std::string(20, ']'), "application/json"), 413,
                 "LIMIT_EXCEEDED");
  expect_problem(c->Put("/api/docs/bad", create, R"({"a":)", "application/json"), 400, "INVALID_JSON");
  expect_problem(c->Put("/api/docs/bad", create, "{\"a\":\"\xff\"}", "application/json"), 400, "INVALID_JSON");
  expect_problem(c->Put("/api/docs/bad", create, "{}", "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE");
  expect_problem(c->Put("/api/docs/bad", with({{"If-Match", "nonsense"}}), "{}", "application/json"), 400,
                 "INVALID_PRECONDITION");
  expect_problem(c->Get("/api/docs/%zz"), 400, "INVALID_ARGUMENT");
  expect_problem(c->Get("/api/docs/a%00b"), 400, "INVALID_ARGUMENT");
  // The request log writes such a path with U+FFFD (it once threw and ended the host).
  expect_problem(c->Get("/api/docs/a%FFb"), 400, "INVALID_ARGUMENT");
  ASSERT_TRUE(c->Get("/no-such-%FF-file"));
  expect_problem(c->Get("/api/docs/a", with({{"X-Tenant", "no spaces"}})), 400, "INVALID_ARGUMENT");
  expect_problem(c->Get("/api/other"), 404, "NOT_FOUND");
  expect_problem(c->Delete("/api/docs/a"), 405, "METHOD_NOT_ALLOWED");
  for (const char* id : {"big", "deep", "bad"}) EXPECT_EQ(c->Get(std::string("/api/docs/") + id)->status, 404);
  // A patch cannot nest the document deeper than a PUT may (here 10).
  ASSERT_EQ(c->Put("/api/docs/deep-ok", create, R"({"a":{"b":{"c":{"d":{"e":{"f":{"g":{}}}}}}}})", "application/json")
                ->status,
            201);
  expect_problem(c->Patch("/api/docs/deep-ok", with({{"If-Match", "\"1\""}}),
                          R"([{"op":"add","path":"/a/b/c/d/e/f/g/h","value":[[[1]]]}])", "application/json-patch+json"),
                 413, "LIMIT_EXCEEDED");
  EXPECT_EQ(c->Patch("/api/docs/deep-ok", with({{"If-Match", "\"1\""}}),
                     R"([{"op":"add","path":"/a/b/c/d/e/f/g/h","value":[[1]]}])", "application/json-patch+json")
                ->status,
            200);
  // The document limit: two per tenant (deep-ok is one).
  EXPECT_EQ(c->Put("/api/docs/one", create, "{}", "application/json")->status, 201);
  expect_problem(c->Put("/api/docs/three", create, "{}", "application/json"), 413, "LIMIT_EXCEEDED");
  EXPECT_EQ(c->Put("/api/docs/one", with({{"If-Match", "\"1\""}}), "[1]", "application/json")->status, 200);
  // An encoded slash is part of one id; a real one is another route.
  auto elsewhere = create;
  elsewhere.emplace("X-Tenant", "elsewhere");
  EXPECT_EQ(c->Put("/api/docs/a%2Fb", elsewhere, "{}", "application/json")->status, 201);
  EXPECT_EQ(c->Get("/api/docs/a%2fb", with({{"X-Tenant", "elsewhere"}}))->status, 200);
  expect_problem(c->Get("/api/docs/a/b", with({{"X-Tenant", "elsewhere"}})), 404, "NOT_FOUND");
  EXPECT_EQ(c->Get("/healthz")->status, 200);
}

// A plain loopback connection, for what cpp-httplib's client never does:
// several requests in one send, a body held back until 100 Continue.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const timeval timeout{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  void send_text(const std::string& text) const {
    for (std::size_t sent = 0; sent < text.size();) {
      const ssize_t n = ::send(fd_, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }
  // Everything received until `done` holds for it, or the host stops
  // sending (closed, or 5 s of silence).
  std::string receive_until(const std::function<bool(const std::string&)>& done) {
    char chunk[4096];
    while (!done(received_)) {
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      received_.append(chunk, static_cast<std::size_t>(n));
    }
    return received_;
  }

 private:
  int fd_;
  bool connected_ = false;
  std::string received_;
};

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

TEST(HostApi, PipelinedRequestsAreEachAnsweredInOrder) {
  Host host;
  RawConnection connection(host.process->port());
  ASSERT_TRUE(connection.connected());
  const std::string put =
      "PUT /api/docs/piped HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIf-None-Match: *\r\n"
      "Content-Length: 7\r\n\r\n{\"n\":1}";
  const std::string get = "GET /api/docs/piped HTTP/1.1\r\nHost: x\r\n\r\n";
  connection.send_text(put + get + get);
  const std::string answers = connection.receive_until([](const std::string& text) {
    return count_of(text, "HTTP/1.1 ") == 3 && text.size() >= 7 && text.compare(text.size() - 7, 7, "{\"n\":1}") == 0;
  });
  ASSERT_EQ(count_of(answers, "HTTP/1.1 "), 3u) << answers;
  const auto created = answers.find("HTTP/1.1 201");
  ASSERT_NE(created, std::string::npos) << answers;
  EXPECT_NE(answers.find("HTTP/1.1 200", created), std::string::npos) << answers;
  EXPECT_EQ(count_of(answers, "{\"n\":1}"), 3u) << answers;
}

TEST(HostApi, EmptyLinesBetweenRequestsAreSkipped) {
  Host host;
  RawConnection connection(host.process->port());
  ASSERT_TRUE(connection.connected());
  const std::string health = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  connection.send_text("\r\n" + health + "\r\n" + health);
  const std::string answers = connection.receive_until(
      [](const std::string& text) { return count_of(text, "{\"status\":\"ok\"}") == 2 || count_of(text, " 400 ") > 0; });
  EXPECT_EQ(count_of(answers, "HTTP/1.1 200 "), 2u) << answers;
  EXPECT_EQ(count_of(answers, "HTTP/1.1 "), 2u) << answers;
}

TEST(HostApi, ABodyHeldBackForExpect100ContinueGetsTheGoAhead) {
  Host host;
  RawConnection connection(host.process->port());
  ASSERT_TRUE(connection.connected());
  connection.send_text(
      "PUT /api/docs/waiting HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIf-None-Match: *\r\n"
      "Expect: 100-continue\r\nContent-Length: 7\r\n\r\n");
  const std::string go_ahead = connection.receive_until(
      [](const std::string& text) { return text.find("\r\n\r\n") != std::string::npos; });
  ASSERT_EQ(go_ahead.rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u) << go_ahead;
  connection.send_text("{\"n\":1}");
  const std::string answer =
      connection.receive_until([](const std::string& text) { return text.find("{\"n\":1}") != std::string::npos; });
  EXPECT_NE(answer.find("HTTP/1.1 201"), std::string::npos) << answer;
}

TEST(HostApi, AStaticFileLargerThanOneSendArrivesWhole) {
  TempDir site{"truce-site"};
  std::string content;
  for (int i = 0; content.size() < (1u << 20); ++i) content += "line " + std::to_string(i) + "\n";
  std::ofstream(site.path / "big.txt", std::ios::binary) << content;
  Host host({"--static", site.path.string()});
  const auto r = host.client()->Get("/big.txt");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->body == content) << r->body.size() << " bytes";
}

TEST(HostApi, RefusalsCppHttplibMakesItselfAreProblemJsonToo) {
  Host host;
  // One answer, then the host closes: what followed the unreadable part is
  // not read as another request.
  const auto expect_problem = [&](const std::string& request, int status, const char* code) {
    RawConnection connection(host.process->port());
    ASSERT_TRUE(connection.connected());
    connection.send_text(request);
    const std::string answer = connection.receive_until([](const std::string&) { return false; });
    ASSERT_EQ(answer.rfind("HTTP/1.1 " + std::to_string(status) + " ", 0), 0u) << answer;
    EXPECT_EQ(count_of(answer, "HTTP/1.1 "), 1u) << answer;
    EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos) << answer;
    EXPECT_NE(answer.find("Content-Type: application/problem+json\r\n"), std::string::npos) << answer;
    const Document problem = parse_json(answer.substr(answer.find("\r\n\r\n") + 4));
    EXPECT_EQ(problem["status"], status);
    EXPECT_EQ(problem["code"], code);
  };
  // A request target past cpp-httplib's 8,192 bytes.
  expect_problem("GET /api/docs/" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414,
                 "LIMIT_EXCEEDED");
  // A header line past its 8,192 bytes, and a request line that is no request line.
  expect_problem("GET /api/docs/a HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(9000, 'a') + "\r\n\r\n", 400,
                 "INVALID_ARGUMENT");
  expect_problem("NONSENSE\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400, "INVALID_ARGUMENT");
  // A missing file keeps its plain 404, and the host keeps serving.
  auto c = host.client();
  const auto missing = c->Get("/no-such-file.txt");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->get_header_value("Content-Type").find("problem"), std::string::npos);
  EXPECT_EQ(c->Get("/healthz")->status, 200);
}

// Read, increment, write with the version read (update_with_retry); count
// the writes the server acknowledged. The final counter must equal them.
int run_counters(int port_a, int port_b, int clients, int cycles) {
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client c("127.0.0.1", t % 2 ? port_b : port_a);
      Backoff backoff;
      backoff.max_attempts = 20;
      backoff.base = std::chrono::milliseconds(1);
      backoff.cap = std::chrono::milliseconds(20);
      backoff.jitter = 1.0;
      std::mt19937 random(static_cast<unsigned>(t));
      RetryHooks hooks;
      hooks.sleep = [](std::chrono::microseconds pause) { std::this_thread::sleep_for(pause); };
      hooks.random = [&] { return std::uniform_real_distribution<double>(0, 1)(random); };
      const LoadFn load = [&](std::string_view) {
        const auto r = c.Get("/api/docs/counter");
        return Snapshot{parse_json(r->body), std::stoll(r->get_header_value("X-Version"))};
      };
      const MutateFn mutate = [](const std::optional<Document>& current) {
        Document next = *current;
        next["n"] = (*current)["n"].get<int>() + 1;
        return next;
      };
      const StoreFn store = [&](std::string_view, const Document& next, const Expected& expected) -> Version {
        const auto r =
            c.Put("/api/docs/counter", with({{"If-Match", "\"" + std::to_string(expected.revision()) + "\""}}),
                  to_json_text(next), "application/json");
        if (r && r->status == 200) return std::stoll(r->get_header_value("X-Version"));
        throw Error(Code::VersionConflict, r ? r->body : "no response");
      };
      for (int i = 0; i < cycles; ++i) {
        try {
          update_with_retry("counter", load, mutate, store, backoff, hooks);
          ++acknowledged;
        } catch (const Error&) {
          // gave up: not acknowledged
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  return acknowledged.load();
}

TEST(HostApi, ConcurrentClientsLoseNoUpdateOnSqlite) {
  Host host({"--threads", "16"});
  ASSERT_EQ(
      host.client()->Put("/api/docs/counter", with({{"If-None-Match", "*"}}), R"({"n":0})", "application/json")->status,
      201);
  const int acknowledged = run_counters(host.process->port(), host.process->port(), 32, 200);
  const auto final_state = host.client()->Get("/api/docs/counter");
  EXPECT_GT(acknowledged, 0);
  EXPECT_EQ(body_of(final_state)["n"], acknowledged);
  EXPECT_EQ(final_state->get_header_value("X-Version"), std::to_string(acknowledged + 1));
  RecordProperty("acknowledged", acknowledged);
}

std::string pg_conninfo() {
  const char* dir = std::getenv("TRUCE_PG_DIR");
  if (!dir) return "";
  std::ifstream in(std::string(dir) + "/conninfo");
  std::string line;
  std::getline(in, line);
  return line;
}

TEST(HostApi, TwoHostsOnOnePostgresLoseNoUpdate) {
  const std::string conninfo = pg_conninfo();
  if (conninfo.empty()) GTEST_SKIP() << "no PostgreSQL cluster (run through ctest, which starts one)";
  Host a({"--store", "postgres:" + conninfo, "--threads", "16"});
  Host b({"--store", "postgres:" + conninfo, "--threads", "16"});
  // Start from {"n": 0}, whatever an earlier run left.
  auto c = a.client();
  const auto existing = c->Get("/api/docs/counter");
  const auto reset = existing->status == 404
                         ? c->Put("/api/docs/counter", with({{"If-None-Match", "*"}}), R"({"n":0})", "application/json")
                         : c->Put("/api/docs/counter", with({{"If-Match", existing->get_header_value("ETag")}}),
                                  R"({"n":0})", "application/json");
  ASSERT_TRUE(reset->status == 200 || reset->status == 201) << reset->body;
  const Version start = std::stoll(a.client()->Get("/api/docs/counter")->get_header_value("X-Version"));
  const int acknowledged = run_counters(a.process->port(), b.process->port(), 32, 200);
  const auto final_state = b.client()->Get("/api/docs/counter");
  EXPECT_GT(acknowledged, 0);
  EXPECT_EQ(body_of(final_state)["n"], acknowledged);
  EXPECT_EQ(final_state->get_header_value("X-Version"), std::to_string(start + acknowledged));
}

// A board with two tasks, then versions 2 and 3 by "someone else".
void seed_board(httplib::Client& c) {
  ASSERT_EQ(
      c.Put("/api/docs/board", with({{"If-None-Match", "*"}}),
            R"({"tasks":[{"id":"t1","title":"Write","status":"todo"},{"id":"t2","title":"Test","status":"todo"}]})",
            "application/json")
          ->status,
      201);
  ASSERT_EQ(c.Patch("/api/docs/board", with({{"If-Match", "\"1\""}}),
                    R"([{"op":"replace","path":"/tasks/1/status","value":"doing"}])", "application/json-patch+json")
                ->status,
            200);
  ASSERT_EQ(
      c.Patch("/api/docs/board", with({{"If-Match", "\"2\""}}), R"({"owner":"ana"})", "application/merge-patch+json")
          ->status,
      200);
}

TEST(HostApi, APatchOnTheLatestVersionApplies) {
  Host host;
  auto c = host.client();
  seed_board(*c);
  const auto r = c->Get("/api/docs/board");
  EXPECT_EQ(r->get_header_value("X-Version"), "3");
  EXPECT_EQ(body_of(r)["tasks"][1]["status"], "doing");
  EXPECT_EQ(body_of(r)["owner"], "ana");
}

TEST(HostApi, APatchOnAnOlderVersionIsMergedOntoTheLatest) {
  Host host;
  auto c = host.client();
  seed_board(*c);
  // Made on version 1: retitles t1, which nobody else touched.
  const auto merged =
      c->Patch("/api/docs/board", with({{"If-Match", "\"1\""}}),
               R"([{"op":"replace","path":"/tasks/0/title","value":"Write docs"}])", "application/json-patch+json");
  ASSERT_EQ(merged->status, 200) << merged->body;
  EXPECT_EQ(merged->get_header_value("X-Merged"), "true");
  EXPECT_EQ(merged->get_header_value("ETag"), "\"4\"");
  const Document board = body_of(merged);
  EXPECT_EQ(board["tasks"][0]["title"], "Write docs");
  EXPECT_EQ(board["tasks"][1]["status"], "doing");
  EXPECT_EQ(board["owner"], "ana");
  EXPECT_EQ(body_of(c->Get("/api/docs/board")), board);
}

TEST(HostApi, AConflictingPatchIs409WithTheConflictsAndTheLatestState) {
  Host host;
  auto c = host.client();
  seed_board(*c);
  const auto refused =
      c->Patch("/api/docs/board", with({{"If-Match", "\"1\""}}),
               R"([{"op":"replace","path":"/tasks/1/status","value":"done"}])", "application/json-patch+json");
  ASSERT_EQ(refused->status, 409) << refused->body;
  const Document problem = body_of(refused);
  EXPECT_EQ(problem["code"], "VERSION_CONFLICT");
  ASSERT_EQ(problem["details"]["conflicts"].size(), 1u);
  const Document& conflict = problem["details"]["conflicts"][0];
  EXPECT_EQ(conflict["path"], "/tasks/1/status");
  EXPECT_EQ(conflict["base"], "todo");
  EXPECT_EQ(conflict["mine"], "done");
  EXPECT_EQ(conflict["theirs"], "doing");
  EXPECT_EQ(problem["details"]["actual"], 3);
  EXPECT_EQ(problem["details"]["current"]["owner"], "ana");
  EXPECT_EQ(refused->get_header_value("ETag"), "\"3\"");
  EXPECT_EQ(c->Get("/api/docs/board")->get_header_value("X-Version"), "3");
  // Merge rules come with the request: as a set, both sides' tags are kept.
  ASSERT_EQ(
      c->Patch("/api/docs/board", with({{"If-Match", "\"3\""}}), R"({"tags":["ui"]})", "application/merge-patch+json")
          ->status,
      200);
  ASSERT_EQ(c->Patch("/api/docs/board", with({{"If-Match", "\"4\""}}), R"({"tags":["ui","api"]})",
                     "application/merge-patch+json")
                ->status,
            200);
  const auto as_set =
      c->Patch("/api/docs/board", with({{"If-Match", "\"4\""}, {"X-Merge-Options", R"({"rules":{"/tags":"set"}})"}}),
               R"({"tags":["ui","web"]})", "application/merge-patch+json");
  ASSERT_EQ(as_set->status, 200) << as_set->body;
  EXPECT_EQ(body_of(as_set)["tags"], parse_json(R"(["ui","api","web"])"));
}

TEST(HostApi, APatchOnAPrunedVersionIs409WithTheLatestState) {
  Host host({"--history", "2"});
  auto c = host.client();
  seed_board(*c);  // versions 2 and 3 kept
  const auto refused =
      c->Patch("/api/docs/board", with({{"If-Match", "\"1\""}}), R"({"note":"late"})", "application/merge-patch+json");
  ASSERT_EQ(refused->status, 409) << refused->body;
  EXPECT_EQ(body_of(refused)["details"]["reason"], "pruned");
  EXPECT_EQ(body_of(refused)["details"]["current"]["owner"], "ana");
  EXPECT_EQ(c->Patch("/api/docs/board", with({{"If-Match", "\"2\""}}), R"({"note":"in time"})",
                     "application/merge-patch+json")
                ->status,
            200);
}

TEST(HostApi, BadPatchesAreRefusedAndChangeNothing) {
  Host host;
  auto c = host.client();
  seed_board(*c);
  const auto expect_problem = [&](const httplib::Result& r, int status, const char* code) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(body_of(r)["code"], code) << r->body;
  };
  const auto on3 = with({{"If-Match", "\"3\""}});
  expect_problem(c->Patch("/api/docs/board", on3, R"({"op":"nope"})", "application/json-patch+json"), 400,
                 "INVALID_PATCH");
  expect_problem(
      c->Patch("/api/docs/board", on3, R"([{"op":"remove","path":"/missing"}])", "application/json-patch+json"), 400,
      "INVALID_PATCH");
  expect_problem(
      c->Patch("/api/docs/board", on3, R"([{"op":"add","path":"bad","value":1}])", "application/json-patch+json"), 400,
      "INVALID_POINTER");
  expect_problem(c->Patch("/api/docs/board", on3, "{}", "application/json"), 415, "UNSUPPORTED_MEDIA_TYPE");
  expect_problem(c->Patch("/api/docs/nothing", on3, "{}", "application/merge-patch+json"), 404, "NOT_FOUND");
  expect_problem(c->Patch("/api/docs/board", kNone, "{}", "application/merge-patch+json"), 428,
                 "PRECONDITION_REQUIRED");
  expect_problem(c->Patch("/api/docs/board", with({{"If-Match", "\"3\""}, {"X-Merge-Options", "{\"nope\":1}"}}), "{}",
                          "application/merge-patch+json"),
                 400, "INVALID_ARGUMENT");
  EXPECT_EQ(c->Get("/api/docs/board")->get_header_value("X-Version"), "3");
}

// The value of one series in Prometheus text, or -1 when absent.
double series(const std::string& text, const std::string& name) {
  const auto at = text.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
}

TEST(HostApi, MetricsCountRequestsConflictsMergesReplaysAndLatencies) {
  Host host;
  auto c = host.client();
  seed_board(*c);  // 1 PUT (201) and 2 PATCH (200) on the latest: no merge
  c->Patch("/api/docs/board", with({{"If-Match", "\"1\""}}), R"({"note":"merged"})", "application/merge-patch+json");
  c->Patch("/api/docs/board", with({{"If-Match", "\"1\""}}),
           R"([{"op":"replace","path":"/tasks/1/status","value":"done"}])", "application/json-patch+json");
  c->Put("/api/docs/board", with({{"If-Match", "\"1\""}}), "{}", "application/json");  // 412
  const auto key = with({{"If-None-Match", "*"}, {"Idempotency-Key", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}});
  c->Put("/api/docs/other", key, "{}", "application/json");
  c->Put("/api/docs/other", key, "{}", "application/json");  // replay
  c->Get("/api/docs/missing");
  const auto metrics = c->Get("/metrics");
  ASSERT_EQ(metrics->status, 200);
  EXPECT_EQ(metrics->get_header_value("Content-Type"), "text/plain; version=0.0.4");
  const std::string& text = metrics->body;
  EXPECT_EQ(series(text, R"(truce_http_requests_total{route="/api/docs/{id}",method="PUT",status="201"})"), 3);
  EXPECT_EQ(series(text, R"(truce_http_requests_total{route="/api/docs/{id}",method="PATCH",status="200"})"), 3);
  EXPECT_EQ(series(text, R"(truce_http_requests_total{route="/api/docs/{id}",method="PATCH",status="409"})"), 1);
  EXPECT_EQ(series(text, R"(truce_http_requests_total{route="/api/docs/{id}",method="PUT",status="412"})"), 1);
  EXPECT_EQ(series(text, R"(truce_http_requests_total{route="/api/docs/{id}",method="GET",status="404"})"), 1);
  EXPECT_EQ(series(text, "truce_version_conflicts_total"), 2);
  EXPECT_EQ(series(text, R"(truce_merges_total{result="clean"})"), 1);
  EXPECT_EQ(series(text, R"(truce_merges_total{result="conflicted"})"), 1);
  EXPECT_EQ(series(text, "truce_idempotent_replays_total"), 1);
  EXPECT_EQ(series(text, "truce_lock_wait_seconds_count"), 8);  // one per write
  EXPECT_GE(series(text, "truce_store_seconds_count"), 12);
  EXPECT_EQ(series(text, R"(truce_store_seconds_bucket{le="+Inf"})"), series(text, "truce_store_seconds_count"));
}

// Eight clients creating documents, each write with an Idempotency-Key of
// its own, until the host goes away; then what was acknowledged and what
// got no answer.
class WriteLoad {
 public:
  struct Write {
    std::string id, key, body;
  };

  explicit WriteLoad(int port) {
    for (int t = 0; t < 8; ++t) {
      writers_.emplace_back([this, t, port] {
        httplib::Client c("127.0.0.1", port);
        c.set_read_timeout(5, 0);
        for (int i = 0; !stop_; ++i) {
          Write w{"doc-" + std::to_string(t) + "-" + std::to_string(i), new_idempotency_key(),
                  R"({"writer":)" + std::to_string(t) + R"(,"n":)" + std::to_string(i) + "}"};
          const auto r = c.Put("/api/docs/" + w.id, with({{"If-None-Match", "*"}, {"Idempotency-Key", w.key}}), w.body,
                               "application/json");
          std::lock_guard<std::mutex> lock(mutex_);
          if (r && r->status != 201) unexpected.push_back(r->status);
          (r && r->status == 201 ? acknowledged : unanswered).push_back(std::move(w));
          if (!r) return;  // the host is gone
        }
      });
    }
  }
  ~WriteLoad() { join(); }
  void join() {
    stop_ = true;
    for (auto& w : writers_)
      if (w.joinable()) w.join();
  }

  std::vector<Write> acknowledged, unanswered;
  std::vector<int> unexpected;  // answers other than 201

 private:
  std::mutex mutex_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> writers_;
};

// Every acknowledged write is there after a restart, and its retry replays.
void expect_acknowledged_writes_kept(const HostProcess& host, const std::vector<WriteLoad::Write>& writes) {
  httplib::Client c("127.0.0.1", host.port());
  for (const auto& w : writes) {
    const auto r = c.Get("/api/docs/" + w.id);
    ASSERT_EQ(r->status, 200) << w.id;
    EXPECT_EQ(r->body, w.body);
    const auto retry = c.Put("/api/docs/" + w.id, with({{"If-None-Match", "*"}, {"Idempotency-Key", w.key}}), w.body,
                             "application/json");
    EXPECT_EQ(retry->status, 201) << w.id;
    EXPECT_EQ(retry->get_header_value("Idempotent-Replayed"), "true") << w.id;
  }
}

// kill -9 in the middle of a write load, then a restart on the same file:
// every acknowledged write is there (and its retry replays), the database is
// intact, and no claim left by the crash outlives its lease.
TEST(HostApi, AKilledHostLosesNoAcknowledgedWriteAndLeavesNoStuckClaim) {
  TempDir dir{"truce-host"};
  const std::string db = (dir.path / "truce.db").string();
  const std::vector<std::string> flags = {"--store", "sqlite:" + db, "--threads", "8"};
  auto host = std::make_unique<HostProcess>(TRUCE_HOST_BIN, flags, (dir.path / "host.log").string());
  WriteLoad load(host->port());
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  const UnixMs killed_at =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  host->kill_hard();
  load.join();
  ASSERT_GT(load.acknowledged.size(), 50u);
  EXPECT_TRUE(load.unexpected.empty());

  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    sqlite3_stmt* check = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(raw, "PRAGMA integrity_check", -1, &check, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(check), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(check, 0)), "ok");
    sqlite3_finalize(check);
    sqlite3_close(raw);
  }

  host = std::make_unique<HostProcess>(TRUCE_HOST_BIN, flags, (dir.path / "host2.log").string());
  expect_acknowledged_writes_kept(*host, load.acknowledged);
  // A claim the crash cut short may wait out its lease (60 s), never longer.
  SqliteIdempotencyStore records(db);
  IdempotencyLedger ledger(records);
  for (const auto& w : load.unanswered) {
    const std::string fp = put_fingerprint(w.id, parse_json(w.body), Expected::no_stream());
    const BeginResult later = ledger.begin("public", w.key, fp, killed_at + 60001);
    EXPECT_TRUE(later.kind == BeginResult::Kind::Proceed || later.kind == BeginResult::Kind::Replay) << w.id;
  }
}

// SIGTERM under a write load: requests in flight are answered in full (no
// 5xx, no claim left in progress), the host exits 0, and a restart finds
// every acknowledged write.
TEST(HostApi, SigtermDrainsInFlightWritesAndExitsZero) {
  TempDir dir{"truce-host"};
  const std::string db = (dir.path / "truce.db").string();
  const std::vector<std::string> flags = {"--store", "sqlite:" + db, "--threads", "8"};
  auto host = std::make_unique<HostProcess>(TRUCE_HOST_BIN, flags, (dir.path / "host.log").string());
  WriteLoad load(host->port());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(host->stop(), 0);
  load.join();
  ASSERT_GT(load.acknowledged.size(), 50u);
  EXPECT_TRUE(load.unexpected.empty());
  EXPECT_NE(host->read_log().find("\"event\":\"stopped\""), std::string::npos);
  // Nothing was cut short: no record is still in progress.
  SqliteIdempotencyStore records(db);
  for (const auto& w : load.unanswered) {
    const auto record = records.find("public", w.key);
    EXPECT_TRUE(!record || record->state == IdempotencyRecord::State::Completed) << w.id;
  }
  host = std::make_unique<HostProcess>(TRUCE_HOST_BIN, flags, (dir.path / "host2.log").string());
  expect_acknowledged_writes_kept(*host, load.acknowledged);
}

}  // namespace
}  // namespace truce::testing
