#include "truce/version.hpp"

#include <limits>

#include "decimal.hpp"
#include "printable.hpp"

namespace truce {
namespace {

// The rejected value is quoted as JSON; it may come from a header holding any
// bytes, so invalid UTF-8 is quoted as U+FFFD instead of failing the quote.
[[noreturn]] void invalid(const Document& wire) {
  const std::string what = detail::printable_json_text(wire);
  throw Error(Code::InvalidVersion, "Invalid version: " + what, {{"value", what}});
}

std::string describe(std::optional<Version> actual) {
  return actual ? "resource is at version " + std::to_string(*actual) : "resource does not exist";
}

}  // namespace

Expected Expected::exact(Version revision) {
  if (revision < 0) invalid(Document(revision));
  return Expected(Kind::Exact, revision);
}

Version version_from_json(const Document& wire) {
  if (wire.is_number_unsigned()) {
    const auto value = wire.get<std::uint64_t>();
    if (value > static_cast<std::uint64_t>(std::numeric_limits<Version>::max())) invalid(wire);
    return static_cast<Version>(value);
  }
  if (wire.is_number_integer()) {
    const auto value = wire.get<std::int64_t>();
    if (value < 0) invalid(wire);
    return value;
  }
  if (wire.is_string()) {
    if (const auto value = detail::parse_version_digits(wire.get_ref<const std::string&>())) return *value;
  }
  invalid(wire);
}

Expected Expected::from_json(const Document& wire) {
  if (wire.is_null()) return no_stream();
  if (wire.is_number_integer() && !wire.is_number_unsigned() && wire.get<std::int64_t>() == -1) return no_stream();
  if (wire.is_string()) {
    const auto& text = wire.get_ref<const std::string&>();
    if (text == "any") return any();
    if (text == "exists") return exists();
    if (text == "no_stream") return no_stream();
  }
  return exact(version_from_json(wire));
}

Expected Expected::parse(std::string_view text) {
  if (text == "-1") return no_stream();
  if (const auto value = detail::parse_version_digits(text)) return exact(*value);
  return from_json(Document(std::string(text)));
}

Document Expected::to_json() const {
  switch (kind_) {
    case Kind::Any:
      return "any";
    case Kind::Exists:
      return "exists";
    case Kind::NoStream:
      return -1;
    case Kind::Exact:
      break;
  }
  return revision_;
}

std::string Expected::to_string() const {
  switch (kind_) {
    case Kind::Any:
      return "any";
    case Kind::Exists:
      return "exists";
    case Kind::NoStream:
      return "no_stream";
    case Kind::Exact:
      break;
  }
  return std::to_string(revision_);
}

std::optional<Error> check_version(const Expected& expected, std::optional<Version> actual) {
  std::string wanted;
  switch (expected.kind()) {
    case Expected::Kind::Any:
      return std::nullopt;
    case Expected::Kind::Exists:
      if (actual) return std::nullopt;
      wanted = "Expected an existing resource";
      break;
    case Expected::Kind::NoStream:
      if (!actual) return std::nullopt;
      wanted = "Expected no resource";
      break;
    case Expected::Kind::Exact:
      if (actual && *actual == expected.revision()) return std::nullopt;
      wanted = "Expected version " + std::to_string(expected.revision());
      break;
  }
  Document details = {{"expected", expected.to_json()}, {"actual", nullptr}};
  if (actual) details["actual"] = *actual;
  return Error(Code::VersionConflict, wanted + ", " + describe(actual), std::move(details));
}

Version next_version(std::optional<Version> current) {
  if (!current) return 1;
  if (*current < 0) invalid(Document(*current));
  if (*current == std::numeric_limits<Version>::max()) {
    throw Error(Code::LimitExceeded, "Version " + std::to_string(*current) + " is the last representable version",
                {{"limit", "version"}, {"max", std::numeric_limits<Version>::max()}});
  }
  return *current + 1;
}

}  // namespace truce
