#pragma once
// Request fingerprints for idempotency: a retry must be recognised as the
// same request, and an idempotency key reused for a different request must be
// refused (422), whichever runtime computed the fingerprint and whatever key
// order or number spelling the body was sent with.

#include <string>
#include <string_view>

#include "truce/document.hpp"

namespace truce {

// Lowercase hex SHA-256 of canonical_json({"method", "path", "body"}).
// The method is hashed as given: HTTP methods are case-sensitive (RFC 9110
// §9.1), so "post" is another request than "POST". The path is hashed as
// given too (normalise or drop the query string before, if that is what
// "the same request" means to you). Object key order never changes the
// fingerprint; array order does. A request without a body passes null.
// INVALID_JSON (details: argument, pointer) for text that is not UTF-8,
// INVALID_ARGUMENT for a body canonical JSON cannot hold (NaN, infinities).
std::string fingerprint(std::string_view method, std::string_view path, const Document& body);

}  // namespace truce
