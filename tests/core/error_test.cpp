#include "truce/error.hpp"

#include <gtest/gtest.h>

#include <random>

#include "truce/json.hpp"

namespace truce {
namespace {

TEST(Error, CodesHaveStableNamesAndStatuses) {
  EXPECT_EQ(code_name(Code::VersionConflict), "VERSION_CONFLICT");
  EXPECT_EQ(http_status(Code::VersionConflict), 409);
  EXPECT_EQ(http_status(Code::PreconditionFailed), 412);
  EXPECT_EQ(http_status(Code::PreconditionRequired), 428);
  EXPECT_EQ(http_status(Code::InvalidJson), 400);
  EXPECT_EQ(http_status(Code::InvalidPrecondition), 400);
  EXPECT_EQ(http_status(Code::IdempotencyKeyReused), 422);
  EXPECT_EQ(http_status(Code::NotFound), 404);
  EXPECT_EQ(http_status(Code::MethodNotAllowed), 405);
  EXPECT_EQ(http_status(Code::UnsupportedMediaType), 415);
  EXPECT_EQ(code_from_name("INVALID_VERSION"), Code::InvalidVersion);
  EXPECT_FALSE(code_from_name("version_conflict").has_value());
  for (const Code code : {Code::VersionConflict, Code::LimitExceeded, Code::Internal, Code::OutOfMemory, Code::NotFound,
                          Code::MethodNotAllowed, Code::UnsupportedMediaType})
    EXPECT_EQ(code_from_name(code_name(code)), code);
}

TEST(Error, ProblemJsonFollowsRfc9457) {
  const Error error(Code::VersionConflict, "Expected version 2, resource is at version 3",
                    {{"expected", 2}, {"actual", 3}});
  const Document problem = error.to_problem_json("/api/docs/a");
  EXPECT_EQ(problem.at("type"), "urn:truce:error:VERSION_CONFLICT");
  EXPECT_EQ(problem.at("title"), "Version conflict");
  EXPECT_EQ(problem.at("status"), 409);
  EXPECT_EQ(problem.at("detail"), "Expected version 2, resource is at version 3");
  EXPECT_EQ(problem.at("instance"), "/api/docs/a");
  EXPECT_EQ(problem.at("code"), "VERSION_CONFLICT");
  EXPECT_EQ(problem.at("details").at("actual"), 3);
  EXPECT_FALSE(error.to_problem_json().contains("instance"));
  // A request path with stray bytes still makes a printable problem.
  EXPECT_EQ(error.to_problem_json("/api/docs/\xff").at("instance"), "/api/docs/\xEF\xBF\xBD");
  EXPECT_NO_THROW(to_json_text(error.to_problem_json("/api/docs/\xff")));
}

TEST(Error, IsAStdExceptionWithItsMessage) {
  try {
    throw Error(Code::InvalidArgument, "bad thing");
  } catch (const std::exception& error) {
    EXPECT_STREQ(error.what(), "bad thing");
  }
  const Document json = Error(Code::LimitExceeded, "too big", {{"max", 1}}).to_json();
  EXPECT_EQ(json, Document::parse(R"({"code":"LIMIT_EXCEEDED","message":"too big","details":{"max":1},"status":413})"));
}

}  // namespace
}  // namespace truce

namespace truce {
namespace {

TEST(Error, InvalidUtf8InMessageOrDetailsBecomesReplacementCharacters) {
  const Error error(Code::InvalidPrecondition, "bad header: \"\xff\"", {{"header", "\"a\xc3\""}, {"ok", "é"}});
  EXPECT_EQ(error.message(), "bad header: \"\xEF\xBF\xBD\"");
  EXPECT_EQ(error.details().at("header"), "\"a\xEF\xBF\xBD\"");
  EXPECT_EQ(error.details().at("ok"), "é");
  EXPECT_NO_THROW(error.to_problem_json().dump());
}

// Spelled as nlohmann's dump with error_handler_t::replace spelled them
// (which the messages used before): one U+FFFD per maximal invalid subpart.
TEST(Error, ReplacementCharactersFollowNlohmannsReplaceHandler) {
  std::mt19937 rng(20261202);
  const unsigned char interesting[] = {0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
                                       0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (std::size_t n = rng() % 10; n > 0; --n) text += static_cast<char>(interesting[rng() % sizeof interesting]);
    const Document expected =
        Document::parse(Document(text).dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace));
    const Error error(Code::InvalidArgument, text, {{text, text}});
    ASSERT_EQ(error.message(), expected.get<std::string>()) << Document(text).dump(-1, ' ', true,
                                                                     nlohmann::detail::error_handler_t::replace);
    ASSERT_EQ(error.details(), Document({{expected, expected}}));
  }
}

}  // namespace
}  // namespace truce
