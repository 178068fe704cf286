#include "truce/keyed_mutex.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <utility>

namespace truce {

using Clock = std::chrono::steady_clock;

KeyedMutex::Guard::Guard(KeyedMutex* owner, std::vector<Slot*> slots) noexcept
    : owner_(slots.empty() ? nullptr : owner), slots_(std::move(slots)) {}

KeyedMutex::Guard::Guard(Guard&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), slots_(std::move(other.slots_)) {
  other.slots_.clear();
}

KeyedMutex::Guard& KeyedMutex::Guard::operator=(Guard&& other) noexcept {
  if (this != &other) {
    unlock();
    owner_ = std::exchange(other.owner_, nullptr);
    slots_ = std::move(other.slots_);
    other.slots_.clear();
  }
  return *this;
}

KeyedMutex::Guard::~Guard() { unlock(); }

void KeyedMutex::Guard::unlock() noexcept {
  if (owner_ == nullptr) return;
  owner_->release(slots_);
  owner_ = nullptr;
  slots_.clear();
}

KeyedMutex::~KeyedMutex() { assert(entries_.empty() && "a KeyedMutex guard outlived its mutex"); }

KeyedMutex::Slot* KeyedMutex::acquire(std::unique_lock<std::mutex>& lock, const std::string& key,
                                      bool& counted_waiting) {
  Slot* slot = &*entries_.try_emplace(key).first;
  Entry& entry = slot->second;
  const std::uint64_t ticket = entry.next_ticket++;
  if (entry.serving != ticket) {
    // One blocked call counts once, however many of its keys it waits for.
    if (!counted_waiting) {
      ++waiting_;
      counted_waiting = true;
    }
    entry.turn.wait(lock, [&] { return entry.serving == ticket; });
  }
  return slot;
}

KeyedMutex::Guard KeyedMutex::lock(const std::string& key) {
  // Started before mutex_ so that contention on the bookkeeping counts as wait too.
  const auto start = Clock::now();
  std::vector<Slot*> slots;
  slots.reserve(1);
  {
    std::unique_lock<std::mutex> lock(mutex_);
    bool counted_waiting = false;
    slots.push_back(acquire(lock, key, counted_waiting));
    if (counted_waiting) --waiting_;
  }
  wait_.record(Clock::now() - start);
  return Guard(this, std::move(slots));
}

KeyedMutex::Guard KeyedMutex::lock_all(std::vector<std::string> keys) {
  const auto start = Clock::now();
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::vector<Slot*> slots;
  slots.reserve(keys.size());
  {
    std::unique_lock<std::mutex> lock(mutex_);
    bool counted_waiting = false;
    try {
      for (const std::string& key : keys) slots.push_back(acquire(lock, key, counted_waiting));
    } catch (...) {
      // Only inserting a new entry can throw (bad_alloc), before it took a
      // ticket: give back the keys already held and leave no trace.
      if (counted_waiting) --waiting_;
      release_locked(slots);
      throw;
    }
    if (counted_waiting) --waiting_;
  }
  wait_.record(Clock::now() - start);
  return Guard(this, std::move(slots));
}

void KeyedMutex::release_locked(const std::vector<Slot*>& slots) noexcept {
  for (auto it = slots.rbegin(); it != slots.rend(); ++it) {
    Entry& entry = (*it)->second;
    if (++entry.serving == entry.next_ticket) {
      entries_.erase(entries_.find((*it)->first));
    } else {
      // Under mutex_: a woken waiter could otherwise run, release and erase
      // the entry before this notify touches it. All waiters wake because
      // only the one holding the next ticket may go.
      entry.turn.notify_all();
    }
  }
}

void KeyedMutex::release(const std::vector<Slot*>& slots) noexcept {
  std::lock_guard<std::mutex> lock(mutex_);
  release_locked(slots);
}

std::size_t KeyedMutex::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

LockMetrics KeyedMutex::metrics() const {
  LockMetrics m;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    m.waiting = waiting_;
    m.entries = entries_.size();
  }
  m.wait = wait_.snapshot();
  return m;
}

}  // namespace truce
