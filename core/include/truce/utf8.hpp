#pragma once
// UTF-8 validity, for callers that take bytes from outside (HTTP headers,
// path segments) and must refuse what JSON text could not carry.

#include <string_view>

namespace truce {

// Well-formed UTF-8 per RFC 3629: no overlong forms, no surrogates, nothing
// past U+10FFFF.
bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace truce
