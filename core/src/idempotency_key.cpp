#include "truce/idempotency_key.hpp"

#include <pthread.h>
#include <unistd.h>

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#endif

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>

#include "random_bytes.hpp"
#include "truce/error.hpp"
#include "truce/mutex.hpp"

namespace truce {

namespace detail {

namespace {

#if defined(__EMSCRIPTEN__)
// Emscripten 3.1.6's getentropy asks JS for one byte per call (crypto.randomBytes(1)
// in Node): 65 µs per key. One crypto.getRandomValues over the module's memory
// does the whole buffer; Node 20 and every browser have it on globalThis.
EM_JS(void, truce_fill_random, (unsigned char* bytes, std::size_t size),
      { crypto.getRandomValues(HEAPU8.subarray(bytes, bytes + size)); });

void system_random(unsigned char* bytes, std::size_t size) { truce_fill_random(bytes, size); }
#else
// Bytes straight from the system, in getentropy's largest helping.
void system_random(unsigned char* bytes, std::size_t size) {
  while (size > 0) {
    const std::size_t chunk = std::min<std::size_t>(size, 256);  // getentropy's limit per call
    if (getentropy(bytes, chunk) != 0)
      throw Error(Code::Internal, std::string("no entropy source: ") + std::strerror(errno));
    bytes += chunk;
    size -= chunk;
  }
}
#endif

// One system call per 256 bytes instead of one per key (keys per second went
// from ~0.6M to several M). Each thread has its own pool; a forked child
// starts with an empty one, so parent and child never hand out the same bytes.
struct RandomPool {
  unsigned char bytes[256];
  std::size_t used = sizeof bytes;
};
thread_local RandomPool pool;

#if !defined(__EMSCRIPTEN__)
const bool fork_handler_installed = [] {
  pthread_atfork(nullptr, nullptr, [] { pool.used = sizeof pool.bytes; });
  return true;
}();
#endif

}  // namespace

void random_bytes(void* out, std::size_t size) {
  auto* bytes = static_cast<unsigned char*>(out);
  if (size > sizeof pool.bytes / 4) {
    // Large requests go straight to the source (getRandomValues takes at most 64 KiB at once).
    for (std::size_t done = 0; done < size; done += 65536)
      system_random(bytes + done, std::min<std::size_t>(65536, size - done));
    return;
  }
  if (pool.used + size > sizeof pool.bytes) {
    system_random(pool.bytes, sizeof pool.bytes);
    pool.used = 0;
  }
  std::memcpy(bytes, pool.bytes + pool.used, size);
  std::memset(pool.bytes + pool.used, 0, size);  // handed out once, then forgotten
  pool.used += size;
}

}  // namespace detail

namespace {

// The C clock rather than std::chrono::system_clock, whose failure path
// (std::system_error and its message formatting) would put printf into the
// WASM module; a clock that cannot be read gives the epoch.
std::timespec unix_now() {
  std::timespec now{};
  if (std::timespec_get(&now, TIME_UTC) == 0) now = {};
  return now;
}

std::int64_t unix_ms_now() {
  const std::timespec now = unix_now();
  return static_cast<std::int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// State of the UUIDv7 generator: the millisecond of the last key and the
// 42-bit counter it used (12 bits of rand_a and the top 30 of rand_b).
struct V7Clock {
  Mutex mutex;
  std::int64_t last_ms = -1;
  std::uint64_t counter = 0;
};

V7Clock& v7_clock() {
  static V7Clock clock;
  return clock;
}

constexpr std::uint64_t kCounterBits = 42;
constexpr std::uint64_t kCounterMax = (std::uint64_t{1} << kCounterBits) - 1;

}  // namespace

std::int64_t Uuid::unix_ms() const noexcept {
  std::int64_t ms = 0;
  for (int i = 0; i < 6; ++i) ms = (ms << 8) | bytes[static_cast<std::size_t>(i)];
  return ms;
}

std::string Uuid::to_string() const {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[bytes[i] >> 4];
    out += hex[bytes[i] & 15];
  }
  return out;
}

std::optional<Uuid> parse_uuid(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  Uuid uuid;
  std::size_t byte = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    const int high = hex_value(text[i]), low = hex_value(text[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    uuid.bytes[byte++] = static_cast<std::uint8_t>(high * 16 + low);
    i += 2;
  }
  return uuid;
}

Uuid new_uuid_v4() {
  Uuid uuid;
  detail::random_bytes(uuid.bytes.data(), uuid.bytes.size());
  uuid.bytes[6] = static_cast<std::uint8_t>((uuid.bytes[6] & 0x0F) | 0x40);
  uuid.bytes[8] = static_cast<std::uint8_t>((uuid.bytes[8] & 0x3F) | 0x80);
  return uuid;
}

Uuid new_uuid_v7() {
  Uuid uuid;
  detail::random_bytes(uuid.bytes.data(), uuid.bytes.size());
  std::int64_t ms = unix_ms_now();
  std::uint64_t counter = 0;
  {
    V7Clock& clock = v7_clock();
    std::lock_guard<Mutex> lock(clock.mutex);
    if (ms > clock.last_ms) {
      // A new millisecond: a random start with its top bit clear, so the
      // counter has room to grow before it would spill into the timestamp.
      std::uint64_t seed = 0;
      std::memcpy(&seed, uuid.bytes.data() + 6, 6);
      clock.counter = seed & (kCounterMax >> 1);
      clock.last_ms = ms;
    } else if (clock.counter < kCounterMax) {
      // Same millisecond (or the clock went back): count on from the last key.
      ++clock.counter;
    } else {
      // Counter exhausted: borrow the next millisecond, never repeat or go back.
      ++clock.last_ms;
      clock.counter = 0;
    }
    ms = clock.last_ms;
    counter = clock.counter;
  }
  for (int i = 5; i >= 0; --i, ms >>= 8) uuid.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ms & 0xFF);
  // Counter: 12 bits in rand_a (after the version nibble), 30 bits at the top of rand_b.
  uuid.bytes[6] = static_cast<std::uint8_t>(0x70 | ((counter >> 38) & 0x0F));
  uuid.bytes[7] = static_cast<std::uint8_t>((counter >> 30) & 0xFF);
  uuid.bytes[8] = static_cast<std::uint8_t>(0x80 | ((counter >> 24) & 0x3F));
  uuid.bytes[9] = static_cast<std::uint8_t>((counter >> 16) & 0xFF);
  uuid.bytes[10] = static_cast<std::uint8_t>((counter >> 8) & 0xFF);
  uuid.bytes[11] = static_cast<std::uint8_t>(counter & 0xFF);
  return uuid;  // bytes 12..15 stay random
}

std::string new_idempotency_key() { return new_uuid_v7().to_string(); }

std::string random_base36(std::size_t count) {
  static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  out.reserve(count);
  unsigned char pool[64];
  while (out.size() < count) {
    detail::random_bytes(pool, sizeof pool);
    for (const unsigned char b : pool) {
      if (b >= 252) continue;  // 252 = 7 × 36: keeps every digit equally likely
      out += digits[b % 36];
      if (out.size() == count) break;
    }
  }
  return out;
}

std::string new_session_id() {
  const std::time_t now = unix_now().tv_sec;
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H-%M-%S", &utc);
  return std::string("session-") + stamp + "-" + random_base36(9);
}

KeyProblem check_key(std::string_view key, const KeyPolicy& policy) {
  if (key.empty()) return KeyProblem::Empty;
  if (key.size() < policy.min_length) return KeyProblem::TooShort;
  if (key.size() > policy.max_length) return KeyProblem::TooLong;
  for (const char c : key)
    if (c < 0x21 || c > 0x7E) return KeyProblem::BadCharacter;
  if (!policy.reject_low_entropy) return KeyProblem::None;
  bool seen[128] = {};
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < key.size() && distinct < 4; ++i) {
    bool& known = seen[static_cast<unsigned char>(key[i])];
    if (!known) ++distinct;
    known = true;
  }
  if (distinct < 4) return KeyProblem::LowEntropy;
  // A key that is a short pattern repeated four times or more ("abcabcabc..."
  // has period 3) was not drawn at random; longer periods are not looked for.
  for (std::size_t p = 1; p * 4 <= key.size(); ++p) {
    bool repeats = true;
    for (std::size_t i = p; i < key.size() && repeats; ++i) repeats = key[i] == key[i - p];
    if (repeats) return KeyProblem::LowEntropy;
  }
  return KeyProblem::None;
}

bool is_valid_key(std::string_view key, const KeyPolicy& policy) { return check_key(key, policy) == KeyProblem::None; }

std::string_view key_problem_name(KeyProblem problem) noexcept {
  switch (problem) {
    case KeyProblem::None:
      return "none";
    case KeyProblem::Empty:
      return "empty";
    case KeyProblem::TooShort:
      return "too_short";
    case KeyProblem::TooLong:
      return "too_long";
    case KeyProblem::BadCharacter:
      return "bad_character";
    case KeyProblem::LowEntropy:
      return "low_entropy";
  }
  return "none";
}

}  // namespace truce
