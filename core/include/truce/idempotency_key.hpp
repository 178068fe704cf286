#pragma once
// Idempotency keys: made on the client, checked on the server.
//
// new_idempotency_key() is a UUIDv7 (RFC 9562): its first 48 bits are the
// Unix time in milliseconds, so keys sort by creation time and index well in
// a B-tree; keys made within one millisecond carry a counter in the bits
// after the timestamp (RFC 9562 §6.2, method 1) and so still sort in the
// order they were made. All randomness comes from the operating system
// (getentropy natively, crypto.getRandomValues in WASM).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace truce {

struct Uuid {
  std::array<std::uint8_t, 16> bytes{};

  int version() const noexcept { return bytes[6] >> 4; }
  // The RFC 9562 variant: bits 10 in the top of byte 8.
  bool rfc_variant() const noexcept { return (bytes[8] & 0xC0) == 0x80; }
  // Version 7 only: the Unix time in milliseconds it was made at.
  std::int64_t unix_ms() const noexcept;
  // 8-4-4-4-12 lowercase hexadecimal.
  std::string to_string() const;

  friend bool operator==(const Uuid& a, const Uuid& b) noexcept { return a.bytes == b.bytes; }
  friend bool operator!=(const Uuid& a, const Uuid& b) noexcept { return !(a == b); }
};

// The 8-4-4-4-12 hexadecimal form, either case; nothing else (no braces, no
// "urn:uuid:"). nullopt when `text` is not one.
std::optional<Uuid> parse_uuid(std::string_view text);

Uuid new_uuid_v7();
Uuid new_uuid_v4();
// The canonical text of a new UUIDv7.
std::string new_idempotency_key();
// "session-2026-01-15T10-30-45-k3j9x0q2m": UTC time now and 9 random base-36 characters.
std::string new_session_id();

// A random string of `count` characters from [0-9a-z], without modulo bias.
std::string random_base36(std::size_t count);

struct KeyPolicy {
  std::size_t min_length = 16;
  std::size_t max_length = 255;
  // Refuse keys a client did not generate randomly: one character repeated,
  // a short pattern repeated, or too few distinct characters.
  bool reject_low_entropy = true;
};

// Why a key is refused; KeyProblem::None when it is acceptable.
enum class KeyProblem { None, Empty, TooShort, TooLong, BadCharacter, LowEntropy };

// Printable ASCII without spaces (0x21-0x7E), within the policy's lengths,
// and not low-entropy. UUIDs of any case pass the default policy.
KeyProblem check_key(std::string_view key, const KeyPolicy& policy = {});
bool is_valid_key(std::string_view key, const KeyPolicy& policy = {});
std::string_view key_problem_name(KeyProblem problem) noexcept;

}  // namespace truce
