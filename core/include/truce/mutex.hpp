#pragma once
// The lock of the core's shared state (the in-memory idempotency store, the
// UUIDv7 clock): std::mutex, except in a WebAssembly module built without
// threads. There each module instance runs on one thread, and std::mutex
// would only add its failure path: std::system_error, whose messages are
// formatted with printf (6 KB of the gzipped module; docs/decisions.md,
// "Module size").
#include <mutex>

namespace truce {

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
class Mutex {
 public:
  void lock() noexcept {}
  void unlock() noexcept {}
  bool try_lock() noexcept { return true; }
};
#else
using Mutex = std::mutex;
#endif

}  // namespace truce
