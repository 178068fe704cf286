#pragma once
// SHA-256 (FIPS 180-4) in portable C++: the WASM build has no OpenSSL, and a
// fingerprint computed in the browser must equal the server's bit for bit.
// Not constant-time and not for secrets (no HMAC here): it names content.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace truce {

class Sha256 {
 public:
  using Digest = std::array<std::uint8_t, 32>;

  Sha256() noexcept { reset(); }

  // Feeds bytes; any split of the input gives the same digest.
  Sha256& update(std::string_view bytes) noexcept;
  // The digest of everything fed since construction or the last finish();
  // the hasher then starts over.
  Digest finish() noexcept;

 private:
  void reset() noexcept;
  void compress(const std::uint8_t* block) noexcept;

  std::array<std::uint32_t, 8> state_{};
  std::array<std::uint8_t, 64> block_{};
  std::size_t buffered_ = 0;  // bytes waiting in block_
  std::uint64_t length_ = 0;  // bytes fed in all
};

Sha256::Digest sha256(std::string_view bytes) noexcept;
// Lowercase hex, 64 characters.
std::string sha256_hex(std::string_view bytes);
std::string to_hex(const Sha256::Digest& digest);

}  // namespace truce
