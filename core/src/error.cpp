#include "truce/error.hpp"

#include <array>
#include <cstdint>
#include <utility>

#include "printable.hpp"

namespace truce {
namespace {

struct CodeInfo {
  Code code;
  std::string_view name;
  int status;
  std::string_view title;
};

constexpr std::array<CodeInfo, 21> kCodes{{
    {Code::VersionConflict, "VERSION_CONFLICT", 409, "Version conflict"},
    {Code::PreconditionFailed, "PRECONDITION_FAILED", 412, "Precondition failed"},
    {Code::PreconditionRequired, "PRECONDITION_REQUIRED", 428, "Precondition required"},
    {Code::IdempotencyKeyMissing, "IDEMPOTENCY_KEY_MISSING", 400, "Idempotency key missing"},
    {Code::IdempotencyKeyReused, "IDEMPOTENCY_KEY_REUSED", 422, "Idempotency key reused"},
    {Code::IdempotencyInProgress, "IDEMPOTENCY_IN_PROGRESS", 409, "Request in progress"},
    {Code::IdempotencyKeyInvalid, "IDEMPOTENCY_KEY_INVALID", 400, "Invalid idempotency key"},
    {Code::IdempotencyLeaseLost, "IDEMPOTENCY_LEASE_LOST", 409, "Idempotency lease lost"},
    {Code::InvalidJson, "INVALID_JSON", 400, "Invalid JSON"},
    {Code::InvalidPatch, "INVALID_PATCH", 400, "Invalid patch"},
    {Code::InvalidPointer, "INVALID_POINTER", 400, "Invalid JSON Pointer"},
    {Code::InvalidVersion, "INVALID_VERSION", 400, "Invalid version"},
    {Code::InvalidPrecondition, "INVALID_PRECONDITION", 400, "Invalid precondition header"},
    {Code::InvalidArgument, "INVALID_ARGUMENT", 400, "Invalid argument"},
    {Code::NotFound, "NOT_FOUND", 404, "Not found"},
    {Code::MethodNotAllowed, "METHOD_NOT_ALLOWED", 405, "Method not allowed"},
    {Code::UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", 415, "Unsupported media type"},
    {Code::LimitExceeded, "LIMIT_EXCEEDED", 413, "Limit exceeded"},
    {Code::OutOfMemory, "OUT_OF_MEMORY", 503, "Out of memory"},
    {Code::StoreUnavailable, "STORE_UNAVAILABLE", 503, "Store unavailable"},
    {Code::Internal, "INTERNAL", 500, "Internal error"},
}};

const CodeInfo& info(Code code) noexcept {
  for (const auto& entry : kCodes)
    if (entry.code == code) return entry;
  return kCodes.back();
}

}  // namespace

std::string_view code_name(Code code) noexcept { return info(code).name; }

std::optional<Code> code_from_name(std::string_view name) noexcept {
  for (const auto& entry : kCodes)
    if (entry.name == name) return entry.code;
  return std::nullopt;
}

int http_status(Code code) noexcept { return info(code).status; }

Error::Error(Code code, std::string message, Document details)
    : code_(code), message_(detail::printable(std::move(message))), details_(detail::printable(std::move(details))) {}

Document Error::to_json() const {
  Document out = Document::object();
  out["code"] = std::string(code_name());
  out["message"] = message_;
  out["details"] = details_;
  out["status"] = status();
  return out;
}

Document Error::to_problem_json(std::string_view instance) const {
  Document out = Document::object();
  out["type"] = "urn:truce:error:" + std::string(code_name());
  out["title"] = std::string(info(code_).title);
  out["status"] = status();
  out["detail"] = message_;
  if (!instance.empty()) out["instance"] = detail::printable(std::string(instance));
  out["code"] = std::string(code_name());
  out["details"] = details_;
  return out;
}

}  // namespace truce
