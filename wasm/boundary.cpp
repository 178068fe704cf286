#include "boundary.hpp"

#include <exception>
#include <new>

#include "truce/error.hpp"
#include "truce/json.hpp"

namespace truce::wasm {
namespace {

constexpr std::int64_t kMaxSafeInteger = 9007199254740991;  // 2^53 - 1

std::string envelope(const char* member, Document value) {
  Document out = Document::object();
  out[member] = std::move(value);
  return to_json_text(out);
}

}  // namespace

Document arguments(const std::string& args_json, std::size_t count) {
  Document args = parse_json(args_json);
  if (!args.is_array() || args.size() < count)
    throw Error(Code::InvalidArgument, "expected " + std::to_string(count) + " argument(s)");
  return args;
}

Document js_version(Version version) {
  if (version <= kMaxSafeInteger && version >= -kMaxSafeInteger) return version;
  return std::to_string(version);
}

Document js_safe_integers(Document value) {
  if (value.is_number_unsigned()) {
    const auto v = value.get<std::uint64_t>();
    return v <= static_cast<std::uint64_t>(kMaxSafeInteger) ? value : Document(std::to_string(v));
  }
  if (value.is_number_integer()) return js_version(value.get<std::int64_t>());
  if (value.is_structured())
    for (auto& item : value) item = js_safe_integers(std::move(item));
  return value;
}

std::string ok_envelope(const Document& result) {
  // Printed around the result rather than copying it into an envelope object.
  return "{\"ok\":" + to_json_text(result) + "}";
}

std::string error_envelope_for_current_exception() {
  try {
    throw;
  } catch (const Error& error) {
    Document json = error.to_json();
    json["details"] = js_safe_integers(std::move(json["details"]));
    return envelope("error", std::move(json));
  } catch (const std::bad_alloc&) {
    return envelope("error", Error(Code::OutOfMemory, "out of memory inside the WebAssembly module").to_json());
  } catch (const std::exception& unexpected) {
    return envelope("error", Error(Code::Internal, unexpected.what()).to_json());
  } catch (...) {
    return envelope("error", Error(Code::Internal, "unknown failure").to_json());
  }
}

}  // namespace truce::wasm
