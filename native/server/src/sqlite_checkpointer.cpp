#include "sqlite_checkpointer.hpp"

namespace truce::sqlite {

WalCheckpointer::WalCheckpointer(const std::string& path, sqlite3* writer, std::chrono::milliseconds busy_timeout)
    : writer_(writer), busy_wait_(busy_timeout) {
  const int opened = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
  // FULL and RESTART wait for the write lock like any writer.
  if (opened == SQLITE_OK) busy_wait_.install(db_);
  // A connection learns that the file is in WAL mode on its first read;
  // until then a checkpoint does nothing.
  if (opened != SQLITE_OK || sqlite3_exec(db_, "PRAGMA schema_version", nullptr, nullptr, nullptr) != SQLITE_OK) {
    try {
      fail(db_, "open the checkpoint connection");
    } catch (...) {
      sqlite3_close(db_);
      throw;
    }
  }
  thread_ = std::thread([this] { run(); });
  sqlite3_wal_hook(writer_, &WalCheckpointer::on_commit, this);  // also turns the automatic checkpoint off
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_autocheckpoint(writer_, kCopyFrames);  // replaces our hook
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
  sqlite3_close(db_);
}

// Runs on the writer's thread after each commit, with the log's size.
int WalCheckpointer::on_commit(void* self, sqlite3*, const char*, int frames) {
  auto& checkpointer = *static_cast<WalCheckpointer*>(self);
  const int copied = checkpointer.copied_.load(std::memory_order_relaxed);
  const int waiting = frames >= copied ? frames - copied : frames;  // fewer: the log started over
  if (waiting >= kCopyFrames && !checkpointer.requested_.exchange(true)) {
    std::lock_guard<std::mutex> lock(checkpointer.mutex_);
    checkpointer.wake_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || requested_.load(); });
    if (stop_) return;
    lock.unlock();
    checkpoint();
    requested_ = false;
    lock.lock();
  }
}

// Errors (SQLITE_BUSY while another checkpoint runs, a full disk) are left
// to the next round: the log keeps every commit until it is copied.
void WalCheckpointer::checkpoint() {
  int frames = 0, copied = 0;
  if (sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied) != SQLITE_OK) return;
  if (frames >= kRestartFrames) {
    // Copy what came in during the first pass, so the restart, which holds
    // writers back, has little left to do.
    sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
    if (sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_RESTART, &frames, &copied) != SQLITE_OK) return;
  }
  copied_.store(copied, std::memory_order_relaxed);
}

}  // namespace truce::sqlite
