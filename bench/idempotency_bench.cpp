// Ledger throughput: begin + complete pairs per second on each store, and key
// generation per second (bench/README.md).
//
//   truce_bench_idempotency [--seconds S] [--sqlite PATH] [--postgres CONNINFO] [--connections N]
//                           [--only keys|memory|sqlite|postgres]
//
// Each measurement runs for about S seconds (default 2) with fresh keys, so
// every begin is a real claim (insert) and every complete a real update.
// Prints one JSON line per measurement:
//   {"name": "...", "ops": n, "seconds": s, "perSecond": r, "threads": t}
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "truce/idempotency_key.hpp"
#include "truce/idempotency_ledger.hpp"
#include "truce/memory_idempotency_store.hpp"
#include "truce/postgres_idempotency_store.hpp"
#include "truce/sqlite_idempotency_store.hpp"

namespace {

using Clock = std::chrono::steady_clock;

void report(const char* name, std::uint64_t ops, double seconds, int threads) {
  std::printf("{\"name\": \"%s\", \"ops\": %llu, \"seconds\": %.3f, \"perSecond\": %.0f, \"threads\": %d}\n", name,
              static_cast<unsigned long long>(ops), seconds, static_cast<double>(ops) / seconds, threads);
  std::fflush(stdout);
}

// `threads` workers, each with the store handle `open` gives it (a connection
// of its own for the databases; the one memory store), run begin + complete
// pairs (or, with `pairs` false, claims alone: begin) on keys of their own
// until the time is up.
void ledger_run(const char* name, double seconds, int threads, bool pairs,
                const std::function<std::shared_ptr<truce::IdempotencyStore>()>& open) {
  std::vector<std::shared_ptr<truce::IdempotencyStore>> stores;
  for (int i = 0; i < threads; ++i) stores.push_back(open());
  truce::StoredResponse response;
  response.status = 201;
  response.headers = {{"content-type", "application/json"}};
  response.body = R"({"id":"task-1","version":2})";
  std::atomic<std::uint64_t> total{0};
  std::atomic<bool> stop{false};
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      truce::IdempotencyLedger ledger(*stores[static_cast<std::size_t>(t)]);
      const std::string prefix = truce::new_idempotency_key() + "-";
      std::uint64_t done = 0;
      const truce::UnixMs now = 1767225600000;
      while (!stop.load(std::memory_order_relaxed)) {
        const std::string key = prefix + std::to_string(done);
        const truce::BeginResult begun = ledger.begin("bench", key, "fp", now);
        if (pairs) ledger.complete("bench", key, begun.token, response, now);
        ++done;
      }
      total += done;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& w : workers) w.join();
  report(name, total.load(), std::chrono::duration<double>(Clock::now() - start).count(), threads);
}

void key_generation(double seconds) {
  std::uint64_t made = 0;
  std::size_t sink = 0;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration<double>(seconds);
  while (Clock::now() < deadline) {
    for (int i = 0; i < 1000; ++i) sink += truce::new_idempotency_key().size();
    made += 1000;
  }
  if (sink == 0) std::abort();
  report("new_idempotency_key (UUIDv7)", made, std::chrono::duration<double>(Clock::now() - start).count(), 1);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  std::string sqlite_path, postgres;
  int connections = 8;
  std::string only;  // one row, for profiling
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--seconds")
      seconds = std::atof(argv[i + 1]);
    else if (flag == "--sqlite")
      sqlite_path = argv[i + 1];
    else if (flag == "--postgres")
      postgres = argv[i + 1];
    else if (flag == "--connections")
      connections = std::atoi(argv[i + 1]);
    else if (flag == "--only")
      only = argv[i + 1];
  }
  try {
    const auto wanted = [&](const char* row) { return only.empty() || only == row; };
    if (wanted("keys")) key_generation(seconds);
    // Default limits (100k records, 64 MiB): past the first 100k pairs the
    // store is full and every claim also evicts, the steady state of a server.
    std::shared_ptr<truce::IdempotencyStore> memory = std::make_shared<truce::MemoryIdempotencyStore>();
    if (wanted("memory")) ledger_run("memory store, begin+complete", seconds, 1, true, [&] { return memory; });
    if (!sqlite_path.empty() && wanted("sqlite")) {
      const auto open = [&] { return std::make_shared<truce::SqliteIdempotencyStore>(sqlite_path); };
      ledger_run("SQLite store (WAL), begin+complete", seconds, 1, true, open);
      ledger_run("SQLite store (WAL), claims (begin)", seconds, 1, false, open);
    }
    if (!postgres.empty() && wanted("postgres")) {
      const auto open = [&] { return std::make_shared<truce::PostgresIdempotencyStore>(postgres); };
      ledger_run("PostgreSQL store, begin+complete", seconds, connections, true, open);
      ledger_run("PostgreSQL store, claims (begin)", seconds, connections, false, open);
    }
  } catch (const std::exception& e) {
    std::printf("{\"error\": \"%s\"}\n", e.what());
    return 1;
  }
  return 0;
}
