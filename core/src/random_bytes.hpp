#pragma once
// Internal: bytes from the operating system's cryptographic source: getentropy
// (glibc's getrandom) natively, crypto.getRandomValues in WASM; never rand().
#include <cstddef>

namespace truce::detail {

// Fills `size` bytes; throws Error(Internal) if the system has no entropy source.
void random_bytes(void* out, std::size_t size);

}  // namespace truce::detail
