#include "truce/timestamp.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using truce::Code;
using truce::Document;
using truce::Error;
using truce::format_timestamp;
using truce::Instant;
using truce::parse_timestamp;

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

std::int64_t micros_of(std::string_view text) { return parse_timestamp(text).micros; }

std::int64_t seconds(std::int64_t count) { return count * kMicrosPerSecond; }

// Parses `text` from a buffer of exactly its size, so AddressSanitizer flags
// any read past the end (a std::string would hide it behind its terminator).
Instant parse_exact_buffer(std::string_view text) {
  const std::vector<char> buffer(text.begin(), text.end());
  return parse_timestamp(std::string_view(buffer.data(), buffer.size()));
}

// Succeeds when parsing `text` throws INVALID_VERSION whose message and
// details name the offending text.
::testing::AssertionResult rejects(std::string_view text) {
  try {
    const Instant instant = parse_exact_buffer(text);
    return ::testing::AssertionFailure() << "parsed as " << instant.micros << " micros";
  } catch (const Error& error) {
    if (error.code() != Code::InvalidVersion) {
      return ::testing::AssertionFailure() << "threw " << error.code_name() << ": " << error.message();
    }
    // Errors quote the input, with invalid UTF-8 shown as U+FFFD so they stay printable JSON.
    const Error quoted(Code::InvalidVersion, "Invalid timestamp: " + std::string(text), {{"value", std::string(text)}});
    if (error.message() != quoted.message()) {
      return ::testing::AssertionFailure() << "message " << error.message();
    }
    const Document& expected_details = quoted.details();
    if (error.details() != expected_details) {
      return ::testing::AssertionFailure() << "details " << error.details().dump(-1, ' ', true);
    }
    return ::testing::AssertionSuccess();
  }
}

// Runs `action` and returns the truce::Error it throws; fails the test if it
// throws nothing or an error with another code.
template <class Action>
std::optional<Error> error_from(Action action, Code expected_code) {
  try {
    action();
  } catch (const Error& error) {
    EXPECT_EQ(error.code_name(), truce::code_name(expected_code)) << error.message();
    return error;
  }
  ADD_FAILURE() << "no truce::Error thrown";
  return std::nullopt;
}

// --- parsing: instants -------------------------------------------------------

TEST(TimestampParse, EpochIsZero) {
  EXPECT_EQ(micros_of("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(micros_of("1970-01-01T01:00:00+01:00"), 0);
}

TEST(TimestampParse, KnownInstants) {
  EXPECT_EQ(micros_of("2026-01-19T10:00:00Z"), seconds(1'768'816'800));
  EXPECT_EQ(micros_of("2000-02-29T00:00:00Z"), seconds(951'782'400));
  EXPECT_EQ(micros_of("2017-01-01T00:00:00Z"), seconds(1'483'228'800));
  EXPECT_EQ(micros_of("9999-12-31T23:59:59Z"), seconds(253'402'300'799));
}

TEST(TimestampParse, InstantsBefore1970AreNegative) {
  EXPECT_EQ(micros_of("1969-12-31T23:59:59Z"), seconds(-1));
  EXPECT_EQ(micros_of("1969-07-20T20:17:40Z"), seconds(-14'182'940));
  EXPECT_EQ(micros_of("1900-01-01T00:00:00Z"), seconds(-2'208'988'800));
  EXPECT_EQ(micros_of("0001-01-01T00:00:00Z"), seconds(-62'135'596'800));
}

TEST(TimestampParse, SpellingsOfOneInstantAreEqual) {
  const Instant reference = parse_timestamp("2026-01-19T10:00:00Z");
  for (const char* spelling : {
           "2026-01-19T11:00:00+01:00",
           "2026-01-19 05:00:00-05:00",
           "2026-01-19t10:00:00z",
           "2026-01-19T10:00:00+00:00",
           "2026-01-19T10:00:00-00:00",
           "2026-01-19T11:00:00+0100",
           "2026-01-19T11:00:00+01",
           "2026-01-19T15:30:00+05:30",
           "2026-01-19T04:15:00-0545",
           "2026-01-19T10:00:00.000Z",
           "2026-01-19T10:00:00.000000000Z",
       }) {
    EXPECT_EQ(parse_timestamp(spelling), reference) << spelling;
  }
}

TEST(TimestampParse, OffsetsCarryAcrossDayMonthAndYearBoundaries) {
  EXPECT_EQ(parse_timestamp("2025-12-31T23:00:00-01:00"), parse_timestamp("2026-01-01T00:00:00Z"));
  EXPECT_EQ(parse_timestamp("2027-01-01T00:30:00+01:00"), parse_timestamp("2026-12-31T23:30:00Z"));
  EXPECT_EQ(parse_timestamp("2024-03-01T00:30:00+01:00"), parse_timestamp("2024-02-29T23:30:00Z"));
  EXPECT_EQ(parse_timestamp("2026-01-18T23:00:00-23:59"), parse_timestamp("2026-01-19T22:59:00Z"));
}

TEST(TimestampParse, DifferentInstantsAreOrdered) {
  EXPECT_LT(parse_timestamp("2026-01-19T10:00:00Z"), parse_timestamp("2026-01-19T10:00:00.000001Z"));
  EXPECT_LT(parse_timestamp("2026-01-19T10:00:00+01:00"), parse_timestamp("2026-01-19T10:00:00Z"));
  EXPECT_NE(parse_timestamp("2026-01-19T10:00:00Z"), parse_timestamp("2026-01-19T10:00:00+01:00"));
}

TEST(TimestampParse, SeparatorIsTOrLowercaseTOrOneSpace) {
  EXPECT_EQ(micros_of("2026-01-19T10:00:00Z"), micros_of("2026-01-19t10:00:00Z"));
  EXPECT_EQ(micros_of("2026-01-19T10:00:00Z"), micros_of("2026-01-19 10:00:00Z"));
  EXPECT_TRUE(rejects("2026-01-19  10:00:00Z"));
  EXPECT_TRUE(rejects("2026-01-19\t10:00:00Z"));
  EXPECT_TRUE(rejects("2026-01-19_10:00:00Z"));
  EXPECT_TRUE(rejects("2026-01-1910:00:00Z"));
}

// --- parsing: fractions ------------------------------------------------------

TEST(TimestampParse, FractionsOfOneToSixDigitsScaleToMicroseconds) {
  const std::int64_t base = micros_of("2026-01-19T10:00:00Z");
  EXPECT_EQ(micros_of("2026-01-19T10:00:00.5Z") - base, 500'000);
  EXPECT_EQ(micros_of("2026-01-19T10:00:00.05Z") - base, 50'000);
  EXPECT_EQ(micros_of("2026-01-19T10:00:00.123Z") - base, 123'000);
  EXPECT_EQ(micros_of("2026-01-19T10:00:00.1234Z") - base, 123'400);
  EXPECT_EQ(micros_of("2026-01-19T10:00:00.123456Z") - base, 123'456);
  EXPECT_EQ(micros_of("2026-01-19T10:00:00.000001Z") - base, 1);
}

TEST(TimestampParse, FractionsBeyondMicrosecondsAreTruncatedNotRounded) {
  const std::int64_t base = micros_of("2026-01-19T10:00:00Z");
  EXPECT_EQ(micros_of("2026-01-19T10:00:00.1234567Z") - base, 123'456);
  EXPECT_EQ(micros_of("2026-01-19T10:00:00.123456789Z") - base, 123'456);
  EXPECT_EQ(micros_of("2026-01-19T10:00:00.999999999Z") - base, 999'999);
  EXPECT_EQ(micros_of("2026-01-19T10:00:00.000000999Z"), base);
}

TEST(TimestampParse, FractionAppliesBeforeTheOffset) {
  EXPECT_EQ(parse_timestamp("2026-01-19T11:00:00.25+01:00"), parse_timestamp("2026-01-19T10:00:00.250Z"));
}

TEST(TimestampParse, FractionOfAnInstantBefore1970) {
  EXPECT_EQ(micros_of("1969-12-31T23:59:59.5Z"), -500'000);
  EXPECT_EQ(micros_of("1969-12-31T23:59:59.999999Z"), -1);
}

TEST(TimestampParse, FractionNeedsOneToNineDigits) {
  EXPECT_TRUE(rejects("2026-01-19T10:00:00.Z"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00.+01:00"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00.1234567890Z"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00.123456789012345678901234567890Z"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00,5Z"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00..5Z"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00.5.5Z"));
  EXPECT_TRUE(rejects("2026-01-19T10:00.5Z"));
}

// --- parsing: calendar -------------------------------------------------------

TEST(TimestampParse, LeapDayExistsOnlyInGregorianLeapYears) {
  EXPECT_EQ(micros_of("2000-02-29T00:00:00Z"), micros_of("2000-03-01T00:00:00Z") - kMicrosPerDay);
  EXPECT_EQ(micros_of("2024-02-29T00:00:00Z"), micros_of("2024-03-01T00:00:00Z") - kMicrosPerDay);
  EXPECT_NO_THROW(parse_timestamp("2400-02-29T00:00:00Z"));
  EXPECT_NO_THROW(parse_timestamp("0004-02-29T00:00:00Z"));
  EXPECT_TRUE(rejects("1900-02-29T00:00:00Z"));
  EXPECT_TRUE(rejects("2023-02-29T00:00:00Z"));
  EXPECT_TRUE(rejects("2100-02-29T00:00:00Z"));
  EXPECT_TRUE(rejects("0001-02-29T00:00:00Z"));
  EXPECT_TRUE(rejects("2024-02-30T00:00:00Z"));
}

TEST(TimestampParse, EveryMonthEndsOnItsLastDay) {
  const int last_day[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int month = 1; month <= 12; ++month) {
    const std::string prefix = std::string("2023-") + (month < 10 ? "0" : "") + std::to_string(month) + "-";
    const std::string last = prefix + std::to_string(last_day[month - 1]) + "T00:00:00Z";
    const std::string past_last = prefix + std::to_string(last_day[month - 1] + 1) + "T00:00:00Z";
    EXPECT_NO_THROW(parse_timestamp(last)) << last;
    EXPECT_TRUE(rejects(past_last));
  }
}

// Walks every calendar day of years 0001-9999, counting days independently of
// the library: each date must be exactly one day after the previous one, and
// format_timestamp must spell it back the same way.
TEST(TimestampParse, EveryDayOfEveryYearIsOneDayAfterThePrevious) {
  const auto is_leap = [](int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); };
  const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  std::int64_t expected = micros_of("0001-01-01T00:00:00Z");
  char text[] = "YYYY-MM-DDT00:00:00Z";
  for (int year = 1; year <= 9999; ++year) {
    for (int month = 1; month <= 12; ++month) {
      const int days = month_days[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
      for (int day = 1; day <= days; ++day) {
        const int fields[][2] = {{year, 4}, {month, 2}, {day, 2}};
        char* out = text;
        for (const auto& [value, width] : fields) {
          for (int i = width - 1, rest = value; i >= 0; --i, rest /= 10) out[i] = static_cast<char>('0' + rest % 10);
          out += width + 1;
        }
        const Instant instant = parse_timestamp(text);
        if (instant.micros != expected || format_timestamp(instant) != text) {
          FAIL() << text << " parsed as " << instant.micros << ", expected " << expected << "; formats as "
                 << format_timestamp(instant);
        }
        expected += kMicrosPerDay;
      }
    }
  }
  EXPECT_EQ(expected, micros_of("9999-12-31T00:00:00Z") + kMicrosPerDay);
}

// --- parsing: leap seconds ---------------------------------------------------

TEST(TimestampParse, LeapSecondCountsAsTheNextSecond) {
  EXPECT_EQ(parse_timestamp("2016-12-31T23:59:60Z"), parse_timestamp("2017-01-01T00:00:00Z"));
  EXPECT_EQ(parse_timestamp("2016-12-31T23:59:60.5Z"), parse_timestamp("2017-01-01T00:00:00.5Z"));
  EXPECT_EQ(parse_timestamp("2017-01-01T00:59:60+01:00"), parse_timestamp("2017-01-01T00:00:00Z"));
  EXPECT_EQ(parse_timestamp("2015-06-30T23:59:60Z"), parse_timestamp("2015-07-01T00:00:00Z"));
  EXPECT_TRUE(rejects("2016-12-31T23:59:61Z"));
}

// --- parsing: malformed input ------------------------------------------------

TEST(TimestampParse, RejectionIsInvalidVersionNamingTheText) {
  const auto error = error_from([] { (void)parse_timestamp("yesterday"); }, Code::InvalidVersion);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code_name(), "INVALID_VERSION");
  EXPECT_EQ(error->status(), 400);
  EXPECT_EQ(error->message(), "Invalid timestamp: yesterday");
  EXPECT_EQ(error->details(), (Document{{"value", "yesterday"}}));
}

TEST(TimestampParse, RejectsEmptyAndNonTimestamps) {
  EXPECT_TRUE(rejects(""));
  EXPECT_TRUE(rejects(" "));
  EXPECT_TRUE(rejects("Z"));
  EXPECT_TRUE(rejects("now"));
  EXPECT_TRUE(rejects("1768816800"));
  EXPECT_TRUE(rejects("Mon, 19 Jan 2026 10:00:00 GMT"));
}

TEST(TimestampParse, RejectsMissingOrMalformedZone) {
  EXPECT_TRUE(rejects("2026-01-19T10:00:00"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00 Z"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00UTC"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00GMT"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00+"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00+1"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00+1:00"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00+01:"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00+01:0"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00+010"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00+01:00:00"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00+01-00"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00+24:00"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00-24:00"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00+2400"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00+24"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00+01:60"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00+0160"));
  EXPECT_TRUE(
      rejects("2026-01-19T10:00:00\xE2\x88\x92"
              "01:00"));  // U+2212 MINUS SIGN
}

TEST(TimestampParse, RejectsFieldsOutOfRange) {
  EXPECT_TRUE(rejects("0000-01-01T00:00:00Z"));
  EXPECT_TRUE(rejects("2026-00-19T10:00:00Z"));
  EXPECT_TRUE(rejects("2026-13-19T10:00:00Z"));
  EXPECT_TRUE(rejects("2026-01-00T10:00:00Z"));
  EXPECT_TRUE(rejects("2026-01-32T10:00:00Z"));
  EXPECT_TRUE(rejects("2026-04-31T10:00:00Z"));
  EXPECT_TRUE(rejects("2026-01-19T24:00:00Z"));
  EXPECT_TRUE(rejects("2026-01-19T10:60:00Z"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:61Z"));
  EXPECT_TRUE(rejects("2026-01-19T99:99:99Z"));
}

TEST(TimestampParse, RejectsWrongFieldWidths) {
  EXPECT_TRUE(rejects("226-01-19T10:00:00Z"));
  EXPECT_TRUE(rejects("12026-01-19T10:00:00Z"));
  EXPECT_TRUE(rejects("+2026-01-19T10:00:00Z"));
  EXPECT_TRUE(rejects("-2026-01-19T10:00:00Z"));
  EXPECT_TRUE(rejects("2026-1-19T10:00:00Z"));
  EXPECT_TRUE(rejects("2026-01-9T10:00:00Z"));
  EXPECT_TRUE(rejects("2026-01-19T1:00:00Z"));
  EXPECT_TRUE(rejects("2026-01-19T10:0:00Z"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:0Z"));
  EXPECT_TRUE(rejects("2026-01-19T10:00Z"));
  EXPECT_TRUE(rejects("2026-01-19"));
  EXPECT_TRUE(rejects("20260119T100000Z"));
  EXPECT_TRUE(rejects("2026/01/19T10:00:00Z"));
  EXPECT_TRUE(rejects("2026-01-19T10.00.00Z"));
}

TEST(TimestampParse, RejectsLettersAndStrayCharacters) {
  EXPECT_TRUE(rejects("2O26-01-19T10:00:00Z"));
  EXPECT_TRUE(rejects("2026-0a-19T10:00:00Z"));
  EXPECT_TRUE(rejects("2026-01-19T1o:00:00Z"));
  EXPECT_TRUE(rejects("2026-01-19X10:00:00Z"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00z0"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00\xFF"));
  EXPECT_TRUE(
      rejects("\xEF\xBC\x92"
              "026-01-19T10:00:00Z"));  // U+FF12 FULLWIDTH DIGIT TWO
  EXPECT_TRUE(rejects(std::string_view("2026-01-19T10:00:00Z\0", 21)));
  EXPECT_TRUE(
      rejects(std::string_view("2026-01-19\0"
                               "10:00:00Z",
                               20)));
}

TEST(TimestampParse, RejectsSurroundingWhitespaceAndTrailingGarbage) {
  EXPECT_TRUE(rejects(" 2026-01-19T10:00:00Z"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00Z "));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00Z\n"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00ZZ"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00Z+01:00"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00+01:00Z"));
  EXPECT_TRUE(rejects("2026-01-19T10:00:00+01:00 "));
  EXPECT_TRUE(rejects("\"2026-01-19T10:00:00Z\""));
}

TEST(TimestampParse, EveryTruncationOfAUtcTimestampIsRejected) {
  const std::string_view full = "2026-01-19T10:00:00.123456789Z";
  ASSERT_NO_THROW(parse_exact_buffer(full));
  for (std::size_t length = 0; length < full.size(); ++length) {
    EXPECT_TRUE(rejects(full.substr(0, length))) << "length " << length;
  }
}

TEST(TimestampParse, EveryTruncationOfAnOffsetTimestampIsRejectedExceptWholeHours) {
  const std::string_view full = "2026-01-19T10:00:00.5+05:30";
  ASSERT_NO_THROW(parse_exact_buffer(full));
  const std::string_view whole_hours = "2026-01-19T10:00:00.5+05";
  EXPECT_EQ(parse_exact_buffer(whole_hours), parse_timestamp("2026-01-19T05:00:00.5Z"));
  for (std::size_t length = 0; length < full.size(); ++length) {
    if (length == whole_hours.size()) continue;
    EXPECT_TRUE(rejects(full.substr(0, length))) << "length " << length;
  }
}

// --- formatting --------------------------------------------------------------

TEST(TimestampFormat, WholeSecondsInUtc) {
  EXPECT_EQ(format_timestamp(Instant{0}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_timestamp(Instant{seconds(1'768'816'800)}), "2026-01-19T10:00:00Z");
  EXPECT_EQ(format_timestamp(Instant{seconds(951'782'400)}), "2000-02-29T00:00:00Z");
}

TEST(TimestampFormat, NormalizesOffsetsAndSpellingsToUtc) {
  EXPECT_EQ(format_timestamp(parse_timestamp("2026-01-19T11:00:00+01:00")), "2026-01-19T10:00:00Z");
  EXPECT_EQ(format_timestamp(parse_timestamp("2026-01-19 05:00:00-05:00")), "2026-01-19T10:00:00Z");
  EXPECT_EQ(format_timestamp(parse_timestamp("2026-01-19t10:00:00.000z")), "2026-01-19T10:00:00Z");
  EXPECT_EQ(format_timestamp(parse_timestamp("2016-12-31T23:59:60Z")), "2017-01-01T00:00:00Z");
}

TEST(TimestampFormat, SubSecondPartUsesMillisecondsWhenExact) {
  const std::int64_t base = seconds(1'768'816'800);
  EXPECT_EQ(format_timestamp(Instant{base + 123'000}), "2026-01-19T10:00:00.123Z");
  EXPECT_EQ(format_timestamp(Instant{base + 500'000}), "2026-01-19T10:00:00.500Z");
  EXPECT_EQ(format_timestamp(Instant{base + 1'000}), "2026-01-19T10:00:00.001Z");
  EXPECT_EQ(format_timestamp(Instant{base + 123'456}), "2026-01-19T10:00:00.123456Z");
  EXPECT_EQ(format_timestamp(Instant{base + 123'400}), "2026-01-19T10:00:00.123400Z");
  EXPECT_EQ(format_timestamp(Instant{base + 1}), "2026-01-19T10:00:00.000001Z");
  EXPECT_EQ(format_timestamp(Instant{base + 999'999}), "2026-01-19T10:00:00.999999Z");
}

TEST(TimestampFormat, InstantsBefore1970FloorToThePreviousSecond) {
  EXPECT_EQ(format_timestamp(Instant{-1}), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(format_timestamp(Instant{-1'000}), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_timestamp(Instant{-500'000}), "1969-12-31T23:59:59.500Z");
  EXPECT_EQ(format_timestamp(Instant{seconds(-1)}), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_timestamp(Instant{-kMicrosPerDay}), "1969-12-31T00:00:00Z");
  EXPECT_EQ(format_timestamp(Instant{-kMicrosPerDay - 1}), "1969-12-30T23:59:59.999999Z");
  EXPECT_EQ(format_timestamp(Instant{seconds(-14'182'940)}), "1969-07-20T20:17:40Z");
  EXPECT_EQ(format_timestamp(Instant{seconds(-2'208'988'800)}), "1900-01-01T00:00:00Z");
}

TEST(TimestampFormat, FirstAndLastFourDigitYearInstants) {
  const std::int64_t first = micros_of("0001-01-01T00:00:00Z");
  const std::int64_t last = micros_of("9999-12-31T23:59:59.999999Z");
  EXPECT_EQ(format_timestamp(Instant{first}), "0001-01-01T00:00:00Z");
  EXPECT_EQ(format_timestamp(Instant{last}), "9999-12-31T23:59:59.999999Z");
  for (const std::int64_t outside :
       {first - 1, last + 1, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
    const auto error = error_from([outside] { (void)format_timestamp(Instant{outside}); }, Code::InvalidVersion);
    ASSERT_TRUE(error.has_value()) << outside;
    EXPECT_EQ(error->details(), (Document{{"value", outside}}));
  }
}

TEST(TimestampFormat, OffsetsCanParseToInstantsOutsideFormattableYears) {
  // The text is valid (its local date is in range) but its UTC instant is not.
  const Instant after_9999 = parse_timestamp("9999-12-31T23:30:00-01:00");
  EXPECT_EQ(after_9999.micros, micros_of("9999-12-31T23:30:00Z") + seconds(3600));
  (void)error_from([after_9999] { (void)format_timestamp(after_9999); }, Code::InvalidVersion);
}

TEST(TimestampFormat, RoundTripsThroughParse) {
  const std::int64_t first = micros_of("0001-01-01T00:00:00Z");
  const std::int64_t last = micros_of("9999-12-31T23:59:59.999999Z");
  // A step that is not a whole number of seconds, minutes or days, so the
  // samples land on every kind of sub-second part and time of day.
  const std::int64_t step = (last - first) / 100'003;
  std::vector<std::int64_t> samples = {first, last, 0, -1, 1, -999'999, -1'000'000, -1'000'001, 999'000};
  for (std::int64_t micros = first; micros <= last - step; micros += step) samples.push_back(micros);
  for (std::int64_t micros = -3 * kMicrosPerDay; micros <= 3 * kMicrosPerDay; micros += 7'777'777'777) {
    samples.push_back(micros);
  }
  for (const std::int64_t micros : samples) {
    const std::string text = format_timestamp(Instant{micros});
    ASSERT_EQ(parse_timestamp(text).micros, micros) << text;
  }
}

// --- check_timestamp_version -------------------------------------------------

::testing::AssertionResult passes(std::string_view expected, std::string_view actual) {
  const auto error = truce::check_timestamp_version(expected, actual);
  if (!error) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << error->code_name() << ": " << error->message();
}

TEST(TimestampVersion, SameInstantInAnySpellingPasses) {
  EXPECT_TRUE(passes("2026-01-19T10:00:00Z", "2026-01-19T10:00:00Z"));
  EXPECT_TRUE(passes("2026-01-19T10:00:00Z", "2026-01-19T11:00:00+01:00"));
  EXPECT_TRUE(passes("2026-01-19 05:00:00.000-05:00", "2026-01-19t10:00:00z"));
  EXPECT_TRUE(passes("1969-12-31T23:59:59.5Z", "1970-01-01T00:59:59.500+01:00"));
}

TEST(TimestampVersion, DifferentInstantIsAConflictQuotingBothTextsAsGiven) {
  const auto error = truce::check_timestamp_version("2026-01-19T11:00:00+01:00", "2026-01-19T10:00:00.000001Z");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code(), Code::VersionConflict);
  EXPECT_EQ(error->status(), 409);
  EXPECT_EQ(error->message(),
            "Expected version 2026-01-19T11:00:00+01:00, resource is at version 2026-01-19T10:00:00.000001Z");
  EXPECT_EQ(error->details(),
            (Document{{"expected", "2026-01-19T11:00:00+01:00"}, {"actual", "2026-01-19T10:00:00.000001Z"}}));
}

TEST(TimestampVersion, SameLocalTimeInAnotherZoneIsAConflict) {
  const auto error = truce::check_timestamp_version("2026-01-19T10:00:00Z", "2026-01-19T10:00:00+01:00");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code(), Code::VersionConflict);
}

TEST(TimestampVersion, AbsentResourceIsAConflictWithNullActual) {
  const auto error = truce::check_timestamp_version("2026-01-19T10:00:00Z", std::nullopt);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code(), Code::VersionConflict);
  EXPECT_EQ(error->message(), "Expected version 2026-01-19T10:00:00Z, resource does not exist");
  EXPECT_EQ(error->details(), (Document{{"expected", "2026-01-19T10:00:00Z"}, {"actual", nullptr}}));
}

TEST(TimestampVersion, UnparsableExpectedIsInvalidVersion) {
  for (const std::optional<std::string_view> actual :
       {std::optional<std::string_view>("2026-01-19T10:00:00Z"), std::optional<std::string_view>()}) {
    const auto error =
        error_from([actual] { (void)truce::check_timestamp_version("2026-01-19", actual); }, Code::InvalidVersion);
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->message(), "Invalid timestamp: 2026-01-19");
    EXPECT_EQ(error->details(), (Document{{"value", "2026-01-19"}}));
  }
}

TEST(TimestampVersion, UnparsableActualIsInvalidVersion) {
  const auto error =
      error_from([] { (void)truce::check_timestamp_version("2026-01-19T10:00:00Z", "2026-01-19T10:00:00"); },
                 Code::InvalidVersion);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->message(), "Invalid timestamp: 2026-01-19T10:00:00");
  EXPECT_EQ(error->details(), (Document{{"value", "2026-01-19T10:00:00"}}));
}

}  // namespace
