#include "truce/fingerprint.hpp"

#include <utility>

#include "truce/canonical_json.hpp"
#include "truce/error.hpp"
#include "truce/sha256.hpp"

namespace truce {
namespace {

// Errors say which argument was at fault; a pointer alone would not.
template <class Body>
std::string canonical_argument(const char* argument, Body&& body) {
  try {
    return body();
  } catch (const Error& error) {
    Document details = error.details();
    details["argument"] = argument;
    throw Error(error.code(), std::string(argument) + ": " + error.message(), std::move(details));
  }
}

}  // namespace

// The members are written in canonical order (body < method < path) around
// the body's canonical text, which is hashed without copying the body into
// a new object first.
std::string fingerprint(std::string_view method, std::string_view path, const Document& body) {
  const std::string method_text =
      canonical_argument("method", [&] { return canonical_json(Document(std::string(method))); });
  const std::string path_text = canonical_argument("path", [&] { return canonical_json(Document(std::string(path))); });
  const std::string body_text = canonical_argument("body", [&] { return canonical_json(body); });
  Sha256 hasher;
  hasher.update("{\"body\":").update(body_text);
  hasher.update(",\"method\":").update(method_text);
  hasher.update(",\"path\":").update(path_text).update("}");
  return to_hex(hasher.finish());
}

}  // namespace truce
