#pragma once
// How values cross between JS and the core. Every bound function takes its
// arguments as one JSON array (text) and returns an envelope (text):
//   {"ok": <result>}  or  {"error": {"code", "message", "details", "status"}}
// so no C++ exception ever reaches JS (Emscripten 3.1.6 would hand it over as
// a bare number), and the JS layer turns the error into a TruceError.

#include <cstddef>
#include <string>

#include "truce/document.hpp"
#include "truce/version.hpp"

namespace truce::wasm {

// The parsed argument array; INVALID_ARGUMENT if it has fewer than `count` items.
Document arguments(const std::string& args_json, std::size_t count);

// Runs `body(args)` and wraps its result (or the error it threw) in an envelope.
template <class Body>
std::string guarded(const std::string& args_json, std::size_t arity, Body&& body);

// A version as JS can hold it: a number up to 2^53 - 1, beyond that its decimal string.
Document js_version(Version version);
// The same rule applied to every integer inside `value` (error details, ...).
Document js_safe_integers(Document value);

// Envelope builders, shared by guarded() and exposed for tests of the boundary.
std::string ok_envelope(const Document& result);
std::string error_envelope_for_current_exception();

template <class Body>
std::string guarded(const std::string& args_json, std::size_t arity, Body&& body) {
  try {
    Document args = arguments(args_json, arity);
    return ok_envelope(body(args));
  } catch (...) {
    return error_envelope_for_current_exception();
  }
}

// An adapter from a body over parsed arguments: the form every table entry takes.
template <Document (*Body)(const Document& args), std::size_t Arity>
std::string adapt(const std::string& args_json) {
  return guarded(args_json, Arity, Body);
}
// The same for a body that may take its arguments apart (move out of them).
template <Document (*Body)(Document& args), std::size_t Arity>
std::string adapt(const std::string& args_json) {
  return guarded(args_json, Arity, Body);
}

}  // namespace truce::wasm
