#include "truce/error.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace truce
