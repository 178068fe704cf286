#pragma once
// HTTP entity tags and conditional requests (RFC 9110 §8.8.3, §13.1.1-2),
// so a server can turn If-Match / If-None-Match into an Expected version and a
// client can send them without hand-rolled string handling.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "truce/version.hpp"

namespace truce {

struct EntityTag {
  bool weak = false;
  std::string opaque;  // without quotes

  // The header spelling: "\"5\"" or "W/\"5\"".
  std::string to_string() const;
  friend bool operator==(const EntityTag& a, const EntityTag& b) noexcept {
    return a.weak == b.weak && a.opaque == b.opaque;
  }
};

// The strong ETag for a version: opaque-tag "<version>", e.g. "\"5\"".
EntityTag make_etag(Version version);
// The version in an ETag made by make_etag (strong or weak, so W/"5" -> 5);
// INVALID_VERSION for any other tag.
Version version_from_etag(const EntityTag& tag);

// One entity-tag, e.g. from an ETag response header. INVALID_PRECONDITION
// when malformed.
EntityTag parse_etag(std::string_view text);

// An If-Match / If-None-Match field value: "*" or a comma-separated list of
// entity-tags with optional whitespace (empty list elements are ignored, as
// RFC 9110 §5.6.1 asks). INVALID_PRECONDITION (details: header) when
// malformed, empty, or "*" mixed with tags.
struct EntityTagCondition {
  bool any = false;  // "*"
  std::vector<EntityTag> tags;
};
EntityTagCondition parse_etag_condition(std::string_view header);

// §8.8.3.2: strong = both strong and the same opaque-tag; weak = same opaque-tag.
bool strong_match(const EntityTag& a, const EntityTag& b) noexcept;
bool weak_match(const EntityTag& a, const EntityTag& b) noexcept;

// §13.1.1: true when the condition holds. "*" holds iff a current
// representation exists; a list holds iff one tag strong-matches the current one.
bool if_match(std::string_view header, const std::optional<EntityTag>& current);
// §13.1.2: true when the condition holds. "*" holds iff no current
// representation exists; a list holds iff no tag weak-matches the current one.
bool if_none_match(std::string_view header, const std::optional<EntityTag>& current);

// What a write conditioned by these headers expects: If-None-Match: * ->
// no_stream; If-Match: * -> exists; If-Match: "<v>" (one tag made by
// make_etag) -> exact(v). Absent both -> empty (the caller decides whether
// that is PRECONDITION_REQUIRED). INVALID_PRECONDITION for lists of several
// tags or foreign tags, which no single version can satisfy.
std::optional<Expected> expected_from_headers(std::optional<std::string_view> if_match_header,
                                              std::optional<std::string_view> if_none_match_header);

}  // namespace truce
