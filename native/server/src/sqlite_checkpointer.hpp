#pragma once
// WAL checkpoints on a thread of their own (internal).
//
// SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL
// pages: that one write copies the log into the database file and fsyncs it
// while every other write waits on the store. In truce-host that stall was
// the whole p99 (13-15 ms against about 1 ms without it). Here the commit
// only wakes this thread, which copies the log without blocking writers
// (PASSIVE) and, once the log has grown past a bound, restarts it (RESTART):
// writers pause only for the last few frames and one fsync.
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "sqlite_connection.hpp"

namespace truce::sqlite {

class WalCheckpointer {
 public:
  // Copy once this many frames wait in the log (SQLite's own default).
  static constexpr int kCopyFrames = 1000;
  // Restart the log once it holds this many frames (about 32 MB of 4 KiB
  // pages): under a steady write load a PASSIVE checkpoint never finds the
  // log idle, so it would never start over from its beginning.
  static constexpr int kRestartFrames = 8000;

  // Takes over `writer`'s checkpoints (its WAL hook) and opens a connection
  // of its own on `path`.
  WalCheckpointer(const std::string& path, sqlite3* writer, std::chrono::milliseconds busy_timeout);
  ~WalCheckpointer();  // stops the thread and gives `writer` its hook back
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

 private:
  static int on_commit(void* self, sqlite3* writer, const char* schema, int frames);
  void run();
  void checkpoint();

  sqlite3* writer_;
  sqlite3* db_ = nullptr;
  BusyWait busy_wait_;
  std::atomic<int> copied_{0};  // frames the last checkpoint left copied
  std::atomic<bool> requested_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace truce::sqlite
