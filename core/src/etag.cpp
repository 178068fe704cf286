#include "truce/etag.hpp"

#include <algorithm>
#include <utility>

#include "decimal.hpp"

namespace truce {
namespace {

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

// etagc = %x21 / %x23-7E / obs-text: any visible byte except DQUOTE, plus
// every byte >= 0x80 so that non-ASCII opaque-tags from other servers parse.
bool is_etagc(char c) noexcept {
  const auto byte = static_cast<unsigned char>(c);
  return byte == 0x21 || (byte >= 0x23 && byte <= 0x7E) || byte >= 0x80;
}

void skip_ows(std::string_view& text) noexcept {
  while (!text.empty() && is_ows(text.front())) text.remove_prefix(1);
}

std::string_view trim_ows(std::string_view text) noexcept {
  skip_ows(text);
  while (!text.empty() && is_ows(text.back())) text.remove_suffix(1);
  return text;
}

// Consumes one entity-tag from the front of `text`; leaves `text` untouched
// and returns nothing when it does not start with a complete one.
std::optional<EntityTag> take_etag(std::string_view& text) {
  EntityTag tag;
  std::size_t pos = 0;
  if (text.substr(0, 2) == "W/") {
    tag.weak = true;
    pos = 2;
  }
  if (pos >= text.size() || text[pos] != '"') return std::nullopt;
  const std::size_t opaque_begin = ++pos;
  while (pos < text.size() && is_etagc(text[pos])) ++pos;
  if (pos >= text.size() || text[pos] != '"') return std::nullopt;
  tag.opaque = std::string(text.substr(opaque_begin, pos - opaque_begin));
  text.remove_prefix(pos + 1);
  return tag;
}

[[noreturn]] void invalid_condition(std::string_view header) {
  throw Error(Code::InvalidPrecondition, "Invalid If-Match/If-None-Match header: " + std::string(header),
              {{"header", std::string(header)}});
}

[[noreturn]] void unsupported_condition(const std::string& message, std::string_view header) {
  throw Error(Code::InvalidPrecondition, message, {{"header", std::string(header)}});
}

// Exactly the spellings make_etag produces: leading zeros would give one
// version several tags, and a weak comparison of "5" vs "05" must not match.
std::optional<Version> version_in_opaque(std::string_view opaque) {
  if (opaque.size() > 1 && opaque.front() == '0') return std::nullopt;
  return detail::parse_version_digits(opaque);
}

}  // namespace

std::string EntityTag::to_string() const { return (weak ? "W/\"" : "\"") + opaque + '"'; }

EntityTag make_etag(Version version) {
  // A negative version has no tag that version_from_etag would read back.
  if (version < 0) {
    throw Error(Code::InvalidVersion, "Invalid version: " + std::to_string(version),
                {{"value", std::to_string(version)}});
  }
  return EntityTag{false, std::to_string(version)};
}

Version version_from_etag(const EntityTag& tag) {
  if (const auto version = version_in_opaque(tag.opaque)) return *version;
  throw Error(Code::InvalidVersion, "Entity-tag is not a version: " + tag.to_string(), {{"etag", tag.to_string()}});
}

EntityTag parse_etag(std::string_view text) {
  std::string_view rest = trim_ows(text);
  auto tag = take_etag(rest);
  if (!tag || !rest.empty()) {
    throw Error(Code::InvalidPrecondition, "Invalid entity-tag: " + std::string(text), {{"header", std::string(text)}});
  }
  return std::move(*tag);
}

EntityTagCondition parse_etag_condition(std::string_view header) {
  std::string_view rest = trim_ows(header);
  EntityTagCondition condition;
  if (rest == "*") {
    condition.any = true;
    return condition;
  }
  while (true) {
    skip_ows(rest);
    if (rest.empty()) break;
    // RFC 9110 §5.6.1: recipients accept and ignore empty list elements.
    if (rest.front() == ',') {
      rest.remove_prefix(1);
      continue;
    }
    auto tag = take_etag(rest);
    if (!tag) invalid_condition(header);
    condition.tags.push_back(std::move(*tag));
    skip_ows(rest);
    if (rest.empty()) break;
    if (rest.front() != ',') invalid_condition(header);
    rest.remove_prefix(1);
  }
  if (condition.tags.empty()) invalid_condition(header);
  return condition;
}

bool strong_match(const EntityTag& a, const EntityTag& b) noexcept {
  return !a.weak && !b.weak && a.opaque == b.opaque;
}

bool weak_match(const EntityTag& a, const EntityTag& b) noexcept { return a.opaque == b.opaque; }

bool if_match(std::string_view header, const std::optional<EntityTag>& current) {
  const auto condition = parse_etag_condition(header);
  if (condition.any) return current.has_value();
  if (!current) return false;
  return std::any_of(condition.tags.begin(), condition.tags.end(),
                     [&](const EntityTag& tag) { return strong_match(tag, *current); });
}

bool if_none_match(std::string_view header, const std::optional<EntityTag>& current) {
  const auto condition = parse_etag_condition(header);
  if (condition.any) return !current.has_value();
  if (!current) return true;
  return std::none_of(condition.tags.begin(), condition.tags.end(),
                      [&](const EntityTag& tag) { return weak_match(tag, *current); });
}

std::optional<Expected> expected_from_headers(std::optional<std::string_view> if_match_header,
                                              std::optional<std::string_view> if_none_match_header) {
  if (if_match_header && if_none_match_header) {
    throw Error(Code::InvalidPrecondition, "If-Match and If-None-Match cannot be combined on a write; send one of them",
                {{"if_match", std::string(*if_match_header)}, {"if_none_match", std::string(*if_none_match_header)}});
  }
  if (if_none_match_header) {
    if (!parse_etag_condition(*if_none_match_header).any) {
      unsupported_condition("If-None-Match on a write supports only *, not a list of entity-tags",
                            *if_none_match_header);
    }
    return Expected::no_stream();
  }
  if (!if_match_header) return std::nullopt;

  const auto condition = parse_etag_condition(*if_match_header);
  if (condition.any) return Expected::exists();
  if (condition.tags.size() != 1) {
    unsupported_condition("If-Match on a write takes exactly one entity-tag, since a resource has one version",
                          *if_match_header);
  }
  const EntityTag& tag = condition.tags.front();
  // If-Match compares strongly, so a weak tag could never match any version.
  if (tag.weak) unsupported_condition("If-Match cannot use a weak entity-tag: " + tag.to_string(), *if_match_header);
  const auto version = version_in_opaque(tag.opaque);
  if (!version) {
    unsupported_condition("If-Match entity-tag is not one this server issued: " + tag.to_string(), *if_match_header);
  }
  return Expected::exact(*version);
}

}  // namespace truce
