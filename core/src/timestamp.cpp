#include "truce/timestamp.hpp"

#include <cstddef>
#include <utility>

namespace truce {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;
constexpr int kMicrosDigits = 6;
// Nanoseconds is the finest precision servers emit; longer fractions are
// more likely garbage than a real clock reading.
constexpr int kMaxFractionDigits = 9;

[[noreturn]] void invalid(std::string_view text) {
  throw Error(Code::InvalidVersion, "Invalid timestamp: " + std::string(text), {{"value", std::string(text)}});
}

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr bool is_leap_year(int year) noexcept { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

constexpr int days_in_month(int year, int month) noexcept {
  switch (month) {
    case 2:
      return is_leap_year(year) ? 29 : 28;
    case 4:
    case 6:
    case 9:
    case 11:
      return 30;
    default:
      return 31;
  }
}

// Howard Hinnant's days_from_civil: days since 1970-01-01 in the proleptic
// Gregorian calendar. Counting years from March puts the leap day last, so
// the day of the year needs no leap-year branch.
constexpr std::int64_t days_from_civil(std::int64_t year, int month, int day) noexcept {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const std::int64_t year_of_era = year - era * 400;
  const std::int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const std::int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

struct CivilDate {
  std::int64_t year;
  int month;
  int day;
};

// Howard Hinnant's civil_from_days, the inverse of days_from_civil.
constexpr CivilDate civil_from_days(std::int64_t days) noexcept {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t day_of_era = days - era * 146097;
  const std::int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t march_based_month = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * march_based_month + 2) / 5 + 1);
  const int month = static_cast<int>(march_based_month < 10 ? march_based_month + 3 : march_based_month - 9);
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

// C++ division truncates toward zero; instants before 1970 need the floor so
// the remainder (time of day, sub-second part) stays non-negative.
constexpr std::pair<std::int64_t, std::int64_t> floor_divide(std::int64_t value, std::int64_t divisor) noexcept {
  std::int64_t quotient = value / divisor;
  std::int64_t remainder = value % divisor;
  if (remainder < 0) {
    --quotient;
    remainder += divisor;
  }
  return {quotient, remainder};
}

// The instants format_timestamp can spell with a four-digit year.
constexpr std::int64_t kFirstFormattableMicros = days_from_civil(1, 1, 1) * kSecondsPerDay * kMicrosPerSecond;
constexpr std::int64_t kLastFormattableMicros =
    (days_from_civil(9999, 12, 31) + 1) * kSecondsPerDay * kMicrosPerSecond - 1;

// Reads the timestamp left to right. Every read checks the remaining length
// before touching a character, and any mismatch throws INVALID_VERSION for the
// whole text, so no input can read out of bounds or half-parse.
class TimestampReader {
 public:
  explicit TimestampReader(std::string_view text) noexcept : text_(text) {}

  // Exactly `width` ASCII digits whose value lies in [min, max]. Widths stay
  // at 4 or below, so the value cannot overflow an int.
  int number(std::size_t width, int min, int max) {
    if (text_.size() - position_ < width) fail();
    int value = 0;
    for (std::size_t i = 0; i < width; ++i) {
      const char c = text_[position_ + i];
      if (!is_digit(c)) fail();
      value = value * 10 + (c - '0');
    }
    position_ += width;
    if (value < min || value > max) fail();
    return value;
  }

  void expect(char wanted) {
    if (!accept(wanted)) fail();
  }

  char expect_one_of(std::string_view choices) {
    if (!next_is_one_of(choices)) fail();
    return text_[position_++];
  }

  bool accept(char wanted) noexcept {
    if (position_ == text_.size() || text_[position_] != wanted) return false;
    ++position_;
    return true;
  }

  bool next_is_digit() const noexcept { return position_ < text_.size() && is_digit(text_[position_]); }

  bool next_is_one_of(std::string_view choices) const noexcept {
    return position_ < text_.size() && choices.find(text_[position_]) != std::string_view::npos;
  }

  // The digits after '.', truncated (never rounded: rounding could carry into
  // the next second) to microseconds.
  std::int64_t fraction_micros() {
    std::int64_t micros = 0;
    int digits = 0;
    while (next_is_digit()) {
      if (++digits > kMaxFractionDigits) fail();
      const int digit = text_[position_++] - '0';
      if (digits <= kMicrosDigits) micros = micros * 10 + digit;
    }
    if (digits == 0) fail();
    for (; digits < kMicrosDigits; ++digits) micros *= 10;
    return micros;
  }

  // Seconds east of UTC: Z, +hh:mm, +hhmm or +hh (and the '-' forms).
  std::int64_t zone_offset_seconds() {
    const char designator = expect_one_of("Zz+-");
    if (designator == 'Z' || designator == 'z') return 0;
    const int hours = number(2, 0, 23);
    int minutes = 0;
    if (accept(':') || next_is_digit()) minutes = number(2, 0, 59);
    const std::int64_t seconds = std::int64_t{hours} * 3600 + std::int64_t{minutes} * 60;
    return designator == '-' ? -seconds : seconds;
  }

  void expect_end() const {
    if (position_ != text_.size()) fail();
  }

 private:
  [[noreturn]] void fail() const { invalid(text_); }

  std::string_view text_;
  std::size_t position_ = 0;
};

void append_padded(std::string& out, std::int64_t value, int width) {
  const std::string digits = std::to_string(value);
  out.append(static_cast<std::size_t>(width) - digits.size(), '0');
  out += digits;
}

}  // namespace

Instant parse_timestamp(std::string_view text) {
  TimestampReader in(text);
  const int year = in.number(4, 1, 9999);
  in.expect('-');
  const int month = in.number(2, 1, 12);
  in.expect('-');
  const int day = in.number(2, 1, days_in_month(year, month));
  in.expect_one_of("Tt ");
  const int hour = in.number(2, 0, 23);
  in.expect(':');
  const int minute = in.number(2, 0, 59);
  in.expect(':');
  // A leap second needs no special case: 23:59:60 adds up to the next day's midnight.
  const int second = in.number(2, 0, 60);
  const std::int64_t fraction = in.accept('.') ? in.fraction_micros() : 0;
  const std::int64_t offset_seconds = in.zone_offset_seconds();
  in.expect_end();

  const std::int64_t local_seconds = days_from_civil(year, month, day) * kSecondsPerDay + std::int64_t{hour} * 3600 +
                                     std::int64_t{minute} * 60 + second;
  return Instant{(local_seconds - offset_seconds) * kMicrosPerSecond + fraction};
}

std::string format_timestamp(Instant instant) {
  if (instant.micros < kFirstFormattableMicros || instant.micros > kLastFormattableMicros) {
    throw Error(Code::InvalidVersion,
                "Invalid timestamp: " + std::to_string(instant.micros) +
                    " microseconds since the epoch is outside years 0001-9999",
                {{"value", instant.micros}});
  }
  const auto [seconds, sub_second_micros] = floor_divide(instant.micros, kMicrosPerSecond);
  const auto [days, second_of_day] = floor_divide(seconds, kSecondsPerDay);
  const CivilDate date = civil_from_days(days);

  std::string out;
  out.reserve(sizeof "YYYY-MM-DDThh:mm:ss.ffffffZ");
  append_padded(out, date.year, 4);
  out += '-';
  append_padded(out, date.month, 2);
  out += '-';
  append_padded(out, date.day, 2);
  out += 'T';
  append_padded(out, second_of_day / 3600, 2);
  out += ':';
  append_padded(out, second_of_day / 60 % 60, 2);
  out += ':';
  append_padded(out, second_of_day % 60, 2);
  if (sub_second_micros != 0) {
    out += '.';
    if (sub_second_micros % 1000 == 0) {
      append_padded(out, sub_second_micros / 1000, 3);
    } else {
      append_padded(out, sub_second_micros, kMicrosDigits);
    }
  }
  out += 'Z';
  return out;
}

std::optional<Error> check_timestamp_version(std::string_view expected, std::optional<std::string_view> actual) {
  const Instant wanted = parse_timestamp(expected);
  if (actual && parse_timestamp(*actual) == wanted) return std::nullopt;

  Document details = {{"expected", std::string(expected)}, {"actual", nullptr}};
  std::string message = "Expected version " + std::string(expected) + ", ";
  if (actual) {
    details["actual"] = std::string(*actual);
    message += "resource is at version " + std::string(*actual);
  } else {
    message += "resource does not exist";
  }
  return Error(Code::VersionConflict, std::move(message), std::move(details));
}

}  // namespace truce
