#pragma once
// RFC 8785 JSON Canonicalization Scheme (JCS): one byte sequence per JSON
// value, whatever key order, number spelling or escapes it arrived with, so
// that a hash of it names the value (request fingerprints, signatures) and
// the browser and the server compute the same hash.

#include <string>

#include "truce/document.hpp"

namespace truce {

// The canonical text of `value`: members sorted by their names as UTF-16
// code units (as JavaScript sorts strings, so U+FFFD sorts after U+1F600),
// no whitespace, strings escaped as JSON.stringify escapes them, numbers as
// ECMAScript prints them. Every number is an IEEE double in JCS: an integer
// stored as int64/uint64 is rounded to the nearest double first
// (9007199254740993 -> 9007199254740992).
// INVALID_ARGUMENT (details: pointer) for NaN, infinities and values JSON
// cannot hold (binary); INVALID_JSON (details: pointer) for a string or
// member name that is not valid UTF-8. Documents of any depth are handled
// without recursion.
std::string canonical_json(const Document& value);

// ECMAScript Number::toString(x) for a finite double: the shortest digits
// that read back as x (ties between two shortest candidates go to the one
// closest to x, then to the even one), in plain notation from 1e-6 up to
// below 1e21 and exponent notation ("1e+21", "1.5e-7") outside it; -0 is "0".
// INVALID_ARGUMENT for NaN and infinities.
std::string canonical_number(double value);

}  // namespace truce
