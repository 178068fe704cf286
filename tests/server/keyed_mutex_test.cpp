#include "truce/keyed_mutex.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace truce {
namespace {

using namespace std::chrono_literals;

// std::latch is C++20. The timeout only turns a hang (the bug under test)
// into a failure; passing never depends on it.
class Latch {
 public:
  explicit Latch(int count) : count_(count) {}
  void count_down() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (--count_ <= 0) done_.notify_all();
  }
  bool wait_for(std::chrono::seconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return done_.wait_for(lock, timeout, [&] { return count_ <= 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  int count_;
};

// Returns once `n` calls are blocked inside `keys`: the point from which a
// waiter's outcome depends only on what the holder does next. False (after
// long enough to mean a bug) lets the caller release and join, not hang.
bool wait_until_blocked(const KeyedMutex& keys, std::size_t n) {
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while (keys.metrics().waiting < n) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::yield();
  }
  return true;
}

TEST(KeyedMutex, GuardIsMovableNotCopyable) {
  static_assert(std::is_nothrow_move_constructible_v<KeyedMutex::Guard>);
  static_assert(std::is_nothrow_move_assignable_v<KeyedMutex::Guard>);
  static_assert(!std::is_copy_constructible_v<KeyedMutex::Guard>);
  static_assert(!std::is_copy_assignable_v<KeyedMutex::Guard>);

  KeyedMutex keys;
  KeyedMutex::Guard a = keys.lock("a");
  EXPECT_TRUE(a.owns_lock());
  EXPECT_EQ(keys.size(), 1u);

  KeyedMutex::Guard moved(std::move(a));
  EXPECT_FALSE(a.owns_lock());  // NOLINT(bugprone-use-after-move): moved-from is specified empty
  EXPECT_TRUE(moved);
  EXPECT_EQ(keys.size(), 1u);

  KeyedMutex::Guard b = keys.lock("b");
  EXPECT_EQ(keys.size(), 2u);
  b = std::move(moved);  // releases "b", now holds "a"
  EXPECT_EQ(keys.size(), 1u);
  EXPECT_TRUE(b);

  b.unlock();
  EXPECT_FALSE(b);
  EXPECT_EQ(keys.size(), 0u);
  b.unlock();  // idempotent
  KeyedMutex::Guard nothing;
  EXPECT_FALSE(nothing);
}

TEST(KeyedMutex, GuardCanBeReleasedOnAnotherThread) {
  KeyedMutex keys;
  KeyedMutex::Guard guard = keys.lock("doc");
  std::thread([g = std::move(guard)]() mutable { g.unlock(); }).join();
  EXPECT_EQ(keys.size(), 0u);
  EXPECT_TRUE(keys.lock("doc"));
}

TEST(KeyedMutex, SerialisesEachKey) {
  KeyedMutex keys;
  constexpr int kThreads = 8;
  constexpr int kRounds = 5000;
  const std::array<std::string, 4> names{"a", "b", "c", "d"};
  std::array<long, 4> counters{};  // deliberately not atomic: the lock is the only protection
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        const std::size_t k = static_cast<std::size_t>(i + t) % names.size();
        const KeyedMutex::Guard guard = keys.lock(names[k]);
        const long seen = counters[k];
        counters[k] = seen + 1;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const long count : counters) EXPECT_EQ(count, kThreads * kRounds / 4);
  EXPECT_EQ(keys.size(), 0u);
}

TEST(KeyedMutex, SameKeyWaitsForTheHolder) {
  KeyedMutex keys;
  KeyedMutex::Guard held = keys.lock("doc");
  std::atomic<bool> acquired{false};
  std::thread waiter([&] {
    const KeyedMutex::Guard guard = keys.lock("doc");
    acquired = true;
  });
  EXPECT_TRUE(wait_until_blocked(keys, 1));
  EXPECT_FALSE(acquired);
  EXPECT_EQ(keys.size(), 1u);  // holder and waiter share one entry
  held.unlock();
  waiter.join();
  EXPECT_TRUE(acquired);
  EXPECT_EQ(keys.size(), 0u);
}

TEST(KeyedMutex, DifferentKeysDoNotBlockEachOther) {
  KeyedMutex keys;
  const KeyedMutex::Guard a = keys.lock("a");
  const KeyedMutex::Guard batch = keys.lock_all({"x", "y"});
  Latch others_done(2);
  std::thread single([&] {
    const KeyedMutex::Guard b = keys.lock("b");
    others_done.count_down();
  });
  std::thread disjoint_batch([&] {
    const KeyedMutex::Guard g = keys.lock_all({"c", "z", "b0"});
    others_done.count_down();
  });
  // Both finish while "a", "x" and "y" are still held; a hang here is the failure.
  const bool done = others_done.wait_for(60s);
  EXPECT_TRUE(done) << "a lock on other keys waited for a held key";
  if (!done) std::abort();  // the threads cannot be joined
  single.join();
  disjoint_batch.join();
  EXPECT_EQ(keys.metrics().waiting, 0u);
}

TEST(KeyedMutex, LockAllHoldsTheWholeDeduplicatedBatch) {
  KeyedMutex keys;
  KeyedMutex::Guard batch = keys.lock_all({"b", "a", "b", "c", "a"});
  EXPECT_TRUE(batch);
  EXPECT_EQ(keys.size(), 3u);

  std::atomic<bool> acquired{false};
  std::thread waiter([&] {
    const KeyedMutex::Guard g = keys.lock("c");
    acquired = true;
  });
  EXPECT_TRUE(wait_until_blocked(keys, 1));
  EXPECT_FALSE(acquired);
  batch.unlock();
  waiter.join();
  EXPECT_TRUE(acquired);
  EXPECT_EQ(keys.size(), 0u);

  const KeyedMutex::Guard empty = keys.lock_all({});
  EXPECT_FALSE(empty);
  EXPECT_EQ(keys.size(), 0u);
}

TEST(KeyedMutex, WaitersAreServedInArrivalOrder) {
  KeyedMutex keys;
  KeyedMutex::Guard held = keys.lock("doc");
  std::vector<int> order;  // appended under the "doc" lock only
  std::vector<std::thread> waiters;
  for (int i = 0; i < 4; ++i) {
    waiters.emplace_back([&, i] {
      const KeyedMutex::Guard g = keys.lock("doc");
      order.push_back(i);
    });
    EXPECT_TRUE(wait_until_blocked(keys, static_cast<std::size_t>(i) + 1));
  }
  held.unlock();
  for (auto& waiter : waiters) waiter.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
}

TEST(KeyedMutex, OverlappingBatchesNeverDeadlock) {
  KeyedMutex keys;
  constexpr int kThreads = 16;
  constexpr std::size_t kKeys = 8;
  std::array<std::string, kKeys> names;
  for (std::size_t k = 0; k < kKeys; ++k) names[k] = "k" + std::to_string(k);
  std::array<long, kKeys> counters{};               // protected only by the locks
  std::array<std::atomic<int>, kKeys> occupants{};  // > 1 would be a broken lock
  std::atomic<int> overlaps{0};
  std::atomic<std::uint64_t> progress{0};
  std::atomic<bool> finished{false};
  std::vector<std::array<long, kKeys>> expected(kThreads);

  std::mutex watchdog_mutex;
  std::condition_variable watchdog_wake;
  std::thread watchdog([&] {
    std::unique_lock<std::mutex> lock(watchdog_mutex);
    std::uint64_t last = progress.load();
    auto last_change = std::chrono::steady_clock::now();
    while (!finished) {
      watchdog_wake.wait_for(lock, 100ms);
      const std::uint64_t now_progress = progress.load();
      const auto now = std::chrono::steady_clock::now();
      if (now_progress != last) {
        last = now_progress;
        last_change = now;
      } else if (!finished && now - last_change > 5s) {
        ADD_FAILURE() << "no batch completed for 5 s after " << last << " batches: deadlock";
        std::fprintf(stderr, "KeyedMutex.OverlappingBatchesNeverDeadlock: deadlock, aborting\n");
        std::abort();  // the deadlocked threads can never be joined
      }
    }
  });

  const auto deadline = std::chrono::steady_clock::now() + 2s;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 random(static_cast<unsigned>(t) + 1);
      std::uniform_int_distribution<std::size_t> pick(0, kKeys - 1);
      std::uniform_int_distribution<int> batch_size(1, 5);
      std::vector<std::string> batch;
      std::array<bool, kKeys> in_batch{};
      while (std::chrono::steady_clock::now() < deadline) {
        batch.clear();
        in_batch.fill(false);
        const int n = batch_size(random);
        for (int i = 0; i < n; ++i) {  // unsorted, duplicates allowed
          const std::size_t k = pick(random);
          batch.push_back(names[k]);
          in_batch[k] = true;
        }
        const KeyedMutex::Guard guard = n == 1 ? keys.lock(batch[0]) : keys.lock_all(batch);
        for (std::size_t k = 0; k < kKeys; ++k) {
          if (!in_batch[k]) continue;
          if (occupants[k].fetch_add(1) != 0) ++overlaps;
          ++counters[k];
          ++expected[static_cast<std::size_t>(t)][k];
        }
        for (std::size_t k = 0; k < kKeys; ++k) {
          if (in_batch[k]) occupants[k].fetch_sub(1);
        }
        ++progress;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  {
    std::lock_guard<std::mutex> lock(watchdog_mutex);
    finished = true;
  }
  watchdog_wake.notify_all();
  watchdog.join();

  EXPECT_EQ(overlaps.load(), 0);
  for (std::size_t k = 0; k < kKeys; ++k) {
    long total = 0;
    for (const auto& per_thread : expected) total += per_thread[k];
    EXPECT_EQ(counters[k], total) << names[k];
  }
  EXPECT_GT(progress.load(), static_cast<std::uint64_t>(kThreads));
  EXPECT_EQ(keys.size(), 0u);
  EXPECT_EQ(keys.metrics().wait.count, progress.load());
}

TEST(KeyedMutex, IdleEntriesArePurged) {
  KeyedMutex keys;
  constexpr int kThreads = 4;
  constexpr int kEach = 250000;  // a million distinct keys in all
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&keys, t] {
      std::string key;
      for (int i = 0; i < kEach; ++i) {
        key = "doc-" + std::to_string(t) + "-" + std::to_string(i);
        const KeyedMutex::Guard guard = keys.lock(key);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(keys.size(), 0u);
  EXPECT_EQ(keys.metrics().wait.count, static_cast<std::uint64_t>(kThreads) * kEach);

  std::vector<std::string> many;
  for (int i = 0; i < 1000; ++i) many.push_back("batch-" + std::to_string(i));
  {
    const KeyedMutex::Guard batch = keys.lock_all(many);
    EXPECT_EQ(keys.size(), 1000u);
    EXPECT_EQ(keys.metrics().entries, 1000u);
  }
  EXPECT_EQ(keys.size(), 0u);
}

TEST(KeyedMutex, MetricsCountEveryAcquisition) {
  KeyedMutex keys;
  for (int i = 0; i < 100; ++i) {
    const KeyedMutex::Guard g = keys.lock("k" + std::to_string(i % 7));
  }
  for (int i = 0; i < 10; ++i) {
    const KeyedMutex::Guard g = keys.lock_all({"a", "b", "a"});
  }
  { const KeyedMutex::Guard empty = keys.lock_all({}); }
  const LockMetrics m = keys.metrics();
  EXPECT_EQ(m.wait.count, 111u);
  EXPECT_EQ(m.wait.cumulative.back(), m.wait.count);
  for (std::size_t i = 1; i < LatencySnapshot::kBuckets; ++i) {
    EXPECT_GE(m.wait.cumulative[i], m.wait.cumulative[i - 1]);
  }
  EXPECT_LE(m.wait.p50, m.wait.p99);
  EXPECT_LE(m.wait.p99, m.wait.max);
  EXPECT_EQ(m.waiting, 0u);
  EXPECT_EQ(m.entries, 0u);
}

TEST(KeyedMutex, MetricsRecordAContendedWait) {
  KeyedMutex keys;
  KeyedMutex::Guard held = keys.lock("doc");
  std::thread waiter([&] { const KeyedMutex::Guard g = keys.lock("doc"); });
  EXPECT_TRUE(wait_until_blocked(keys, 1));
  // The one deliberate sleep: the waiter is already blocked, so its wait is at least this.
  std::this_thread::sleep_for(50ms);
  held.unlock();
  waiter.join();

  const LockMetrics m = keys.metrics();
  EXPECT_EQ(m.wait.count, 2u);
  EXPECT_GE(m.wait.max, 0.040);
  EXPECT_GE(m.wait.p99, 0.040);
  EXPECT_GE(m.wait.sum, 0.040);
  EXPECT_EQ(m.waiting, 0u);
}

}  // namespace
}  // namespace truce
