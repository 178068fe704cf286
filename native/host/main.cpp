// truce-host: the HTTP face of the native library. Serves the versioned
// document API (api.hpp) over SQLite or PostgreSQL, the web demo, and a
// health check. This file only adapts cpp-httplib to the API.
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cctype>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "api.hpp"
#include "connection.hpp"
#include "options.hpp"
#include "truce/json.hpp"
#include "truce/postgres_document_store.hpp"
#include "truce/postgres_idempotency_store.hpp"
#include "truce/sqlite_document_store.hpp"
#include "truce/sqlite_idempotency_store.hpp"

namespace {

// SIGTERM/SIGINT stop the server from a thread that waits for them, so no
// work happens inside a signal handler. They are blocked first thing in
// main, before any thread starts: a thread created earlier would keep them
// unblocked, take the signal and end the process on the spot.
sigset_t stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  return signals;
}

void block_stop_signals() {
  const sigset_t signals = stop_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

std::thread stop_on_signal(httplib::Server& server) {
  return std::thread([&server] {
    const sigset_t signals = stop_signals();
    int received = 0;
    sigwait(&signals, &received);
    server.stop();
  });
}

// JSON text for the log. Bytes that are not UTF-8 (a percent-decoded path
// may hold any) are written as U+FFFD: to_json_text refuses them by
// throwing, and a throw from cpp-httplib's logger ended the process.
std::string log_text(const truce::Document& value) {
  return value.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
}

// One write per line, so lines from several threads never interleave.
void log_line(const truce::Document& fields) { std::cerr << (log_text(fields) + "\n"); }

struct Stores {
  std::unique_ptr<truce::DocumentStore> documents;
  std::unique_ptr<truce::IdempotencyStore> records;
};

Stores open_stores(const truce::host::Options& options) {
  const truce::DocumentStoreOptions& document_options = options.documents;
  const auto colon = options.store.find(':');
  const std::string kind = options.store.substr(0, colon), where = options.store.substr(colon + 1);
  if (kind == "sqlite") {
    return {std::make_unique<truce::SqliteDocumentStore>(where, document_options),
            std::make_unique<truce::SqliteIdempotencyStore>(where)};
  }
  return {std::make_unique<truce::PostgresDocumentStore>(where, document_options),
          std::make_unique<truce::PostgresIdempotencyStore>(where)};
}

truce::UnixMs unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Expired idempotency records (24 h after their answer) are deleted now and
// then, or every new key would keep its row, response included, for good.
class ExpiredRecordPurger {
 public:
  explicit ExpiredRecordPurger(truce::IdempotencyStore& records)
      : thread_([this, &records] {
          std::unique_lock<std::mutex> lock(mutex_);
          do {
            lock.unlock();
            try {
              const std::size_t purged = records.purge_expired(unix_ms_now());
              if (purged > 0) log_line({{"event", "purged"}, {"idempotencyRecords", purged}});
            } catch (const truce::Error& error) {
              log_line({{"event", "purge_failed"}, {"error", error.to_json()}});
            }
            lock.lock();
          } while (!stop_.wait_for(lock, std::chrono::minutes(10), [this] { return stopping_; }));
        }) {}
  ~ExpiredRecordPurger() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    stop_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is ready
};

truce::host::HttpRequest to_api(const httplib::Request& request) {
  truce::host::HttpRequest out;
  out.method = request.method;
  out.target = request.target;
  for (const auto& [name, value] : request.headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, fresh] = out.headers.emplace(lower, value);
    if (!fresh) it->second += ", " + value;
  }
  out.body = request.body;
  return out;
}

// One series per route, never per raw path.
const char* route_of(const std::string& path) {
  if (path.rfind("/api/docs/", 0) == 0) return "/api/docs/{id}";
  if (path.rfind("/api/", 0) == 0) return "/api/*";
  if (path == "/healthz") return "/healthz";
  if (path == "/metrics") return "/metrics";
  return "static";
}

const char* method_of(const std::string& method) {
  for (const char* known : {"GET", "HEAD", "PUT", "POST", "PATCH", "DELETE", "OPTIONS"})
    if (method == known) return known;
  return "OTHER";
}

void from_api(const truce::host::HttpResponse& answer, httplib::Response& response) {
  response.status = answer.status;
  // cpp-httplib takes the content type with the body, not as a header.
  const std::string* content_type = answer.header("Content-Type");
  for (const auto& [name, value] : answer.headers)
    if (&value != content_type) response.set_header(name.c_str(), value);
  if (content_type) response.set_content(answer.body, content_type->c_str());
}

// What cpp-httplib refuses by itself, before any route runs: a body past
// the limit (413, refused unread), a request target past its compiled-in
// maximum (414), a request line, header or body framing it cannot read, a
// header line past its maximum among them (400).
std::optional<truce::Error> bare_refusal(int status, std::size_t max_body_bytes) {
  switch (status) {
    case 413:
      return truce::host::body_too_large(max_body_bytes);
    case 414:
      return truce::Error(truce::Code::LimitExceeded,
                          "The request target is longer than " +
                              std::to_string(CPPHTTPLIB_REQUEST_URI_MAX_LENGTH) + " bytes",
                          {{"limit", "uri_bytes"}, {"max", CPPHTTPLIB_REQUEST_URI_MAX_LENGTH}});
    case 400:
      return truce::Error(truce::Code::InvalidArgument,
                          "The request could not be read as HTTP/1.1: a malformed request line, header or body "
                          "framing, or a line longer than " +
                              std::to_string(CPPHTTPLIB_HEADER_MAX_LENGTH) + " bytes",
                          {{"maxLineBytes", CPPHTTPLIB_HEADER_MAX_LENGTH}});
    default:
      return std::nullopt;
  }
}

}  // namespace

int main(int argc, char** argv) {
  block_stop_signals();
  truce::host::Options options;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
      std::cout << truce::host::usage();
      return 0;
    }
  }
  try {
    options = truce::host::parse_options(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::invalid_argument& error) {
    std::cerr << "truce-host: " << error.what() << "\n" << truce::host::usage();
    return 2;
  }

  Stores stores;
  try {
    stores = open_stores(options);
  } catch (const truce::Error& error) {
    std::cerr << "truce-host: " << error.message() << "\n";
    return 1;
  }
  truce::host::Api api(*stores.documents, *stores.records, options.api, unix_ms_now);
  const ExpiredRecordPurger purger(*stores.records);

  truce::host::Server server;
  server.new_task_queue = [threads = options.threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  // cpp-httplib refuses a longer body before reading it; the error handler
  // turns its bare 413 into the API's problem document.
  server.set_payload_max_length(options.api.max_body_bytes);
  // A thread serves one connection at a time, as long as it is kept alive.
  // cpp-httplib closes it after 5 requests by default (a connect and accept
  // for every fifth request); after 1,000, the cost is 0.1% (at 100 it cost
  // about 3% of write throughput) and clients beyond the thread count still
  // get their turn within a fraction of a second. Idle connections free
  // their thread after a second.
  server.set_keep_alive_max_count(1000);
  server.set_keep_alive_timeout(1);
  // Only cpp-httplib's own refusals, which come without a body; the API's
  // answers already carry their problem documents, and a missing file keeps
  // its plain 404.
  const httplib::Server::HandlerWithResponse bare_refusal_to_problem =
      [max = options.api.max_body_bytes](const httplib::Request& request, httplib::Response& response) {
        const auto refusal = response.body.empty() ? bare_refusal(response.status, max) : std::nullopt;
        if (!refusal) return httplib::Server::HandlerResponse::Unhandled;
        truce::Document problem = refusal->to_problem_json(request.path);
        problem["status"] = response.status;  // 414 stays 414, though LIMIT_EXCEEDED is otherwise 413
        from_api(truce::host::HttpResponse::json(response.status, problem, "application/problem+json"), response);
        // What follows an unreadable request line or header is no request
        // either (RFC 9112 §2.2): close rather than read it as one. A 413's
        // body was skipped, so its connection goes on.
        if (response.status != 413) {
          response.set_header("Connection", "close");
          truce::host::Server::close_after_answer();
        }
        return httplib::Server::HandlerResponse::Handled;
      };
  server.set_error_handler(bare_refusal_to_problem);
  const auto serve_api = [&api](const httplib::Request& request, httplib::Response& response) {
    // cpp-httplib would cut the answer to a Range header while keeping our
    // status 200 and ETag: API answers are whole documents, so ranges are
    // ignored here (the Request is httplib's own, not const underneath).
    const_cast<httplib::Request&>(request).ranges.clear();
    from_api(api.handle(to_api(request)), response);
  };
  for (const char* pattern : {"/api/.*"}) {
    server.Get(pattern, serve_api);
    server.Put(pattern, serve_api);
    server.Post(pattern, serve_api);
    server.Patch(pattern, serve_api);
    server.Delete(pattern, serve_api);
  }
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(R"({"status":"ok"})", "application/json");
  });
  for (const auto& [prefix, folder] : options.mounts) {
    if (!server.set_mount_point(prefix, folder)) {
      std::cerr << "truce-host: cannot serve '" << folder << "' at " << prefix << ": not a folder\n";
      return 2;
    }
  }
  server.set_file_extension_and_mimetype_mapping("mjs", "text/javascript");
  server.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");
  server.Get("/metrics", [&api](const httplib::Request&, httplib::Response& response) {
    response.set_content(api.metrics_text(), "text/plain; version=0.0.4");
  });
  // Counted just before the response is written (every response: routed,
  // static, refused), so a client that reads /metrics after its answer sees it.
  server.set_post_routing_handler([&api](const httplib::Request& request, httplib::Response& response) {
    api.metrics().count_request(route_of(request.path), method_of(request.method), response.status);
  });
  // Written for every request, so put together directly rather than as a Document.
  server.set_logger([](const httplib::Request& request, const httplib::Response& response) {
    std::cerr << (R"({"method":)" + log_text(request.method) + R"(,"path":)" + log_text(request.path) +
                  R"(,"status":)" + std::to_string(response.status) + "}\n");
  });

  // Debian's cpp-httplib 0.11.4 listens with a backlog of 5 and leaves Nagle
  // on, both compiled in: a burst of clients overflows the backlog and some
  // connections die unanswered. Note the listening socket as it is made and
  // listen again with the system's maximum once it is bound.
  int listening_socket = -1;
  server.set_socket_options([&listening_socket](socket_t sock) {
    httplib::default_socket_options(sock);
    // Accepted sockets inherit it: without it, Nagle holds the body back
    // behind the headers until the client's delayed ACK, 40 ms per answer.
    const int on = 1;
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    listening_socket = sock;
  });
  const int port = options.port == 0 ? server.bind_to_any_port(options.host)
                                     : (server.bind_to_port(options.host, options.port) ? options.port : -1);
  if (port >= 0 && listening_socket >= 0) ::listen(listening_socket, SOMAXCONN);
  if (port < 0) {
    std::cerr << "truce-host: cannot listen on " << options.host << ":" << options.port << "\n";
    return 1;
  }
  std::thread signal_thread = stop_on_signal(server);
  log_line({{"event", "listening"}, {"url", "http://" + options.host + ":" + std::to_string(port)}});
  const bool served = server.listen_after_bind();
  // A stop() from anywhere but the signal thread would leave it waiting: wake it.
  if (signal_thread.joinable()) {
    // Every thread blocks SIGTERM, so this only ends the signal thread's sigwait.
    pthread_kill(signal_thread.native_handle(), SIGTERM);  // NOLINT(bugprone-bad-signal-to-kill-thread)
    signal_thread.join();
  }
  log_line({{"event", "stopped"}});
  return served ? 0 : 1;
}
