// Versions, timestamps, ETags, retries and errors, as JSON in / JSON out.
#include <chrono>

#include "adapters.hpp"
#include "boundary.hpp"
#include "truce/error.hpp"
#include "truce/etag.hpp"
#include "truce/retry.hpp"
#include "truce/timestamp.hpp"
#include "truce/version.hpp"

namespace truce::wasm {
namespace {

std::optional<Version> optional_version(const Document& wire) {
  if (wire.is_null()) return std::nullopt;
  return version_from_json(wire);
}

std::optional<std::string_view> optional_text(const Document& wire, const char* what) {
  if (wire.is_null()) return std::nullopt;
  if (!wire.is_string()) throw Error(Code::InvalidArgument, std::string(what) + " must be a string or null");
  return std::string_view(wire.get_ref<const std::string&>());
}

std::string_view text(const Document& wire, const char* what) {
  if (!wire.is_string()) throw Error(Code::InvalidArgument, std::string(what) + " must be a string");
  return wire.get_ref<const std::string&>();
}

Document error_value(const std::optional<Error>& error) {
  if (!error) return nullptr;
  Document json = error->to_json();
  json["details"] = js_safe_integers(std::move(json["details"]));
  return json;
}

Document expected_value(const Expected& expected) {
  if (expected.kind() == Expected::Kind::Exact)
    return {{"kind", "exact"}, {"version", js_version(expected.revision())}};
  return {{"kind", expected.to_string()}};
}

Error error_from_json(const Document& wire) {
  if (!wire.is_object()) throw Error(Code::InvalidArgument, "an error must be an object");
  const auto code = code_from_name(wire.value("code", std::string()));
  return Error(code.value_or(Code::Internal), wire.value("message", std::string()),
               wire.value("details", Document::object()));
}

double milliseconds(std::chrono::microseconds delay) { return static_cast<double>(delay.count()) / 1000.0; }

int attempt_number(const Document& wire) {
  if (!wire.is_number_integer() || wire.get<std::int64_t>() < 1 || wire.get<std::int64_t>() > 1000000)
    throw Error(Code::InvalidArgument, "attempt must be a whole number >= 1");
  return static_cast<int>(wire.get<std::int64_t>());
}

double unit_draw(const Document& wire) {
  if (wire.is_null()) return 0.0;
  if (!wire.is_number()) throw Error(Code::InvalidArgument, "random draw must be a number in [0, 1)");
  return wire.get<double>();
}

Document check_version(const Document& args) {
  const Expected expected = Expected::from_json(args[0]);
  return error_value(truce::check_version(expected, optional_version(args[1])));
}
Document next_version(const Document& args) { return js_version(truce::next_version(optional_version(args[0]))); }
Document parse_expected(const Document& args) { return expected_value(Expected::from_json(args[0])); }

Document normalize_timestamp(const Document& args) {
  return format_timestamp(parse_timestamp(text(args[0], "timestamp")));
}
Document check_timestamp_version(const Document& args) {
  const std::string_view expected = text(args[0], "expected");
  return error_value(truce::check_timestamp_version(expected, optional_text(args[1], "actual")));
}

Document make_etag(const Document& args) { return truce::make_etag(version_from_json(args[0])).to_string(); }
Document version_from_etag(const Document& args) {
  return js_version(truce::version_from_etag(parse_etag(text(args[0], "etag"))));
}
Document parse_etag_condition(const Document& args) {
  const auto condition = truce::parse_etag_condition(text(args[0], "header"));
  Document tags = Document::array();
  for (const auto& tag : condition.tags) tags.push_back({{"weak", tag.weak}, {"opaque", tag.opaque}});
  return {{"any", condition.any}, {"tags", std::move(tags)}};
}
Document strong_match(const Document& args) {
  const EntityTag a = parse_etag(text(args[0], "etag"));
  return truce::strong_match(a, parse_etag(text(args[1], "etag")));
}
Document weak_match(const Document& args) {
  const EntityTag a = parse_etag(text(args[0], "etag"));
  return truce::weak_match(a, parse_etag(text(args[1], "etag")));
}
Document if_match(const Document& args) {
  const std::string_view header = text(args[0], "header");
  const auto current = optional_text(args[1], "current ETag");
  return truce::if_match(header, current ? std::optional<EntityTag>(parse_etag(*current)) : std::nullopt);
}
Document if_none_match(const Document& args) {
  const std::string_view header = text(args[0], "header");
  const auto current = optional_text(args[1], "current ETag");
  return truce::if_none_match(header, current ? std::optional<EntityTag>(parse_etag(*current)) : std::nullopt);
}
Document expected_from_headers(const Document& args) {
  const auto if_match_header = optional_text(args[0], "If-Match");
  const auto expected = truce::expected_from_headers(if_match_header, optional_text(args[1], "If-None-Match"));
  return expected ? js_safe_integers(expected->to_json()) : Document(nullptr);
}

Document backoff_delay(const Document& args) {
  const Backoff backoff = Backoff::from_json(args[0]);
  const auto attempt = attempt_number(args[1]);
  return milliseconds(backoff.delay(attempt, unit_draw(args[2])));
}
Document delay_after_conflict(const Document& args) {
  const Backoff backoff = Backoff::from_json(args[0]);
  const std::string_view id = text(args[1], "id");
  const auto attempt = attempt_number(args[2]);
  const Error conflict = error_from_json(args[3]);
  return milliseconds(truce::delay_after_conflict(backoff, id, attempt, conflict, unit_draw(args[4])));
}
Document to_problem_json(const Document& args) {
  const Error error = error_from_json(args[0]);
  return js_safe_integers(error.to_problem_json(optional_text(args[1], "instance").value_or("")));
}

}  // namespace

void add_version_adapters(std::vector<Adapter>& table) {
  table.insert(table.end(), {
                                {"check_version", &adapt<check_version, 2>},
                                {"next_version", &adapt<next_version, 1>},
                                {"parse_expected", &adapt<parse_expected, 1>},
                                {"normalize_timestamp", &adapt<normalize_timestamp, 1>},
                                {"check_timestamp_version", &adapt<check_timestamp_version, 2>},
                                {"make_etag", &adapt<make_etag, 1>},
                                {"version_from_etag", &adapt<version_from_etag, 1>},
                                {"parse_etag_condition", &adapt<parse_etag_condition, 1>},
                                {"strong_match", &adapt<strong_match, 2>},
                                {"weak_match", &adapt<weak_match, 2>},
                                {"if_match", &adapt<if_match, 2>},
                                {"if_none_match", &adapt<if_none_match, 2>},
                                {"expected_from_headers", &adapt<expected_from_headers, 2>},
                                {"backoff_delay", &adapt<backoff_delay, 3>},
                                {"delay_after_conflict", &adapt<delay_after_conflict, 5>},
                                {"to_problem_json", &adapt<to_problem_json, 2>},
                            });
}

}  // namespace truce::wasm
