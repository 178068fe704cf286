// Header and token parsers on arbitrary text: JSON Pointers, ETags and
// If-Match / If-None-Match, UUIDs and idempotency keys, RFC 3339 times.
// Whatever parses prints back to a spelling that parses to the same value.
#include "fuzz_support.hpp"
#include "truce/etag.hpp"
#include "truce/idempotency_key.hpp"
#include "truce/pointer.hpp"
#include "truce/timestamp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace truce;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const Pointer pointer = Pointer::parse(text);
    fuzz::check(pointer.to_string() == text, "Pointer::parse(s).to_string() = s", std::string(text));
  } catch (const Error&) {
  }
  try {
    const EntityTag tag = parse_etag(text);
    fuzz::check(parse_etag(tag.to_string()) == tag, "parse_etag(print(t)) = t", std::string(text));
    (void)if_match(text, tag);
    (void)if_none_match(text, tag);
  } catch (const Error&) {
  }
  try {
    (void)parse_etag_condition(text);
    (void)if_match(text, std::nullopt);
    (void)expected_from_headers(text, std::nullopt);
    (void)expected_from_headers(std::nullopt, text);
  } catch (const Error&) {
  }
  if (const auto uuid = parse_uuid(text)) {
    const auto again = parse_uuid(uuid->to_string());
    fuzz::check(again && again->bytes == uuid->bytes, "parse_uuid(print(u)) = u", std::string(text));
  }
  (void)check_key(text);
  try {
    const Instant instant = parse_timestamp(text);
    const std::string printed = format_timestamp(instant);
    fuzz::check(parse_timestamp(printed) == instant, "parse(format(t)) = t", printed);
    fuzz::check(format_timestamp(parse_timestamp(printed)) == printed, "format is a fixed point", printed);
  } catch (const Error&) {
  }
  return 0;
}
