#pragma once
// One error type for every failure: a stable code that programs branch on, a
// message for humans, and details (a JSON object) carrying what a caller needs
// to recover without another round trip. It maps onto an HTTP status and an
// RFC 9457 problem document, and crosses into JS as a TruceError.

#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "truce/document.hpp"

namespace truce {

enum class Code {
  VersionConflict,
  PreconditionFailed,
  PreconditionRequired,
  IdempotencyKeyMissing,
  IdempotencyKeyReused,
  IdempotencyInProgress,
  IdempotencyKeyInvalid,
  IdempotencyLeaseLost,
  StoreUnavailable,
  InvalidJson,
  InvalidPatch,
  InvalidPointer,
  InvalidVersion,
  InvalidPrecondition,
  InvalidArgument,
  NotFound,
  MethodNotAllowed,
  UnsupportedMediaType,
  LimitExceeded,
  OutOfMemory,
  Internal,
};

// "VERSION_CONFLICT", "INVALID_JSON", ...: the spelling used on the wire and in JS.
std::string_view code_name(Code code) noexcept;
std::optional<Code> code_from_name(std::string_view name) noexcept;
// 409, 412, 428, 400, 413, ...
int http_status(Code code) noexcept;

class Error : public std::exception {
 public:
  Error(Code code, std::string message, Document details = Document::object());

  Code code() const noexcept { return code_; }
  std::string_view code_name() const noexcept { return truce::code_name(code_); }
  const std::string& message() const noexcept { return message_; }
  const Document& details() const noexcept { return details_; }
  int status() const noexcept { return http_status(code_); }
  const char* what() const noexcept override { return message_.c_str(); }

  // {"code", "message", "details", "status"}: the form errors take across
  // the WASM boundary and in logs.
  Document to_json() const;
  // RFC 9457 application/problem+json. `code` and `details` are extension
  // members; `instance` is omitted when empty.
  Document to_problem_json(std::string_view instance = {}) const;

 private:
  Code code_;
  std::string message_;
  Document details_;
};

}  // namespace truce
