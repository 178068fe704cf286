#include "truce/idempotency_key.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

namespace truce {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Whether `text` matches `pattern`, character by character: 'h' a lowercase hex
// digit, 'd' a decimal digit, 'b' a base-36 digit, 'v' one of 8 9 a b (the
// variant), anything else itself. (No std::regex: GCC 12 warns inside it at -O1.)
bool shaped(const std::string& text, const std::string& pattern) {
  if (text.size() != pattern.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool digit = c >= '0' && c <= '9', hex = digit || (c >= 'a' && c <= 'f');
    switch (pattern[i]) {
      case 'h': if (!hex) return false; break;
      case 'd': if (!digit) return false; break;
      case 'b': if (!digit && !(c >= 'a' && c <= 'z')) return false; break;
      case 'v': if (c != '8' && c != '9' && c != 'a' && c != 'b') return false; break;
      default: if (c != pattern[i]) return false;
    }
  }
  return true;
}

// RFC 9562 Appendix A.3 and A.6.
TEST(Uuid, RfcExampleVectorsParseWithTheirLayout) {
  const auto v4 = parse_uuid("919108f7-52d1-4320-9bac-f847db4148a8");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->version(), 4);
  EXPECT_TRUE(v4->rfc_variant());

  const auto v7 = parse_uuid("017F22E2-79B0-7CC3-98C4-DC0C0C07398F");
  ASSERT_TRUE(v7);
  EXPECT_EQ(v7->version(), 7);
  EXPECT_TRUE(v7->rfc_variant());
  EXPECT_EQ(v7->unix_ms(), 0x017F22E279B0);  // 2022-02-22T19:22:22Z
  EXPECT_EQ(v7->to_string(), "017f22e2-79b0-7cc3-98c4-dc0c0c07398f");
}

TEST(Uuid, ParseRefusesAnythingButTheHyphenatedForm) {
  for (const char* bad : {"", "017f22e279b07cc398c4dc0c0c07398f", "{017f22e2-79b0-7cc3-98c4-dc0c0c07398f}",
                          "urn:uuid:017f22e2-79b0-7cc3-98c4-dc0c0c07398f", "017f22e2-79b0-7cc3-98c4-dc0c0c07398g",
                          "017f22e2-79b0-7cc3-98c4_dc0c0c07398f", "017f22e2-79b0-7cc3-98c4-dc0c0c07398"}) {
    EXPECT_FALSE(parse_uuid(bad)) << bad;
  }
}

TEST(NewIdempotencyKey, IsALowercaseVersion7UuidWithTheCurrentTime) {
  const std::int64_t before = now_ms();
  const std::string key = new_idempotency_key();
  const std::int64_t after = now_ms();
  EXPECT_TRUE(shaped(key, "hhhhhhhh-hhhh-7hhh-vhhh-hhhhhhhhhhhh")) << key;
  const auto uuid = parse_uuid(key);
  ASSERT_TRUE(uuid);
  EXPECT_GE(uuid->unix_ms(), before);
  EXPECT_LE(uuid->unix_ms(), after + 1);  // +1: a counter overflow may borrow the next millisecond
  EXPECT_TRUE(is_valid_key(key));
}

TEST(NewIdempotencyKey, KeysMadeInOneMillisecondStayUniqueAndSortInOrder) {
  std::vector<std::string> keys;
  for (int i = 0; i < 100000; ++i) keys.push_back(new_idempotency_key());
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end());
  // Far more keys than milliseconds elapsed: many shared one millisecond.
  EXPECT_LT(parse_uuid(keys.back())->unix_ms() - parse_uuid(keys.front())->unix_ms(), 100000);
}

TEST(NewIdempotencyKey, UniqueAcrossThreads) {
  std::vector<std::vector<std::string>> made(8);
  std::vector<std::thread> threads;
  for (auto& out : made)
    threads.emplace_back([&out] {
      for (int i = 0; i < 10000; ++i) out.push_back(new_idempotency_key());
    });
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& out : made) {
    EXPECT_TRUE(std::is_sorted(out.begin(), out.end()));
    all.insert(out.begin(), out.end());
  }
  EXPECT_EQ(all.size(), 80000u);
}

TEST(NewUuidV4, HasVersionAndVariantBitsAndRandomRest) {
  std::set<std::string> seen;
  std::vector<int> ones(128, 0);
  for (int i = 0; i < 10000; ++i) {
    const Uuid uuid = new_uuid_v4();
    EXPECT_EQ(uuid.version(), 4);
    EXPECT_TRUE(uuid.rfc_variant());
    seen.insert(uuid.to_string());
    for (int bit = 0; bit < 128; ++bit) ones[static_cast<std::size_t>(bit)] += (uuid.bytes[bit / 8] >> (7 - bit % 8)) & 1;
  }
  EXPECT_EQ(seen.size(), 10000u);
  // Every random bit is set about half the time (a stuck or biased source fails).
  for (int bit = 0; bit < 128; ++bit) {
    const bool fixed = (bit >= 48 && bit < 52) || bit == 64 || bit == 65;
    if (!fixed) {
      EXPECT_NEAR(ones[static_cast<std::size_t>(bit)], 5000, 400) << "bit " << bit;
    }
  }
}

TEST(NewSessionId, FollowsTheSeedFormat) {
  const std::string id = new_session_id();
  EXPECT_TRUE(shaped(id, "session-dddd-dd-ddTdd-dd-dd-bbbbbbbbb")) << id;
  EXPECT_NE(new_session_id(), new_session_id());
}

TEST(CheckKey, PolicyLimitsLengthCharsetAndEntropy) {
  EXPECT_EQ(check_key(""), KeyProblem::Empty);
  EXPECT_EQ(check_key("a1b2c3d4e5"), KeyProblem::TooShort);
  EXPECT_EQ(check_key(std::string(256, 'x')), KeyProblem::TooLong);
  EXPECT_EQ(check_key("order 1234-5678-abcd"), KeyProblem::BadCharacter);
  EXPECT_EQ(check_key("order-1234-5678-\xc3\xa9"), KeyProblem::BadCharacter);
  EXPECT_EQ(check_key(std::string(32, 'a')), KeyProblem::LowEntropy);
  EXPECT_EQ(check_key("abcdabcdabcdabcdabcd"), KeyProblem::LowEntropy);
  EXPECT_EQ(check_key("aaaaaaaaaaaaaaaaaaab"), KeyProblem::LowEntropy);
  EXPECT_EQ(check_key("919108F7-52D1-4320-9BAC-F847DB4148A8"), KeyProblem::None);
  EXPECT_EQ(check_key("checkout/cart-42/attempt-7"), KeyProblem::None);
  KeyPolicy lax;
  lax.min_length = 1;
  lax.reject_low_entropy = false;
  EXPECT_EQ(check_key("aaaa", lax), KeyProblem::None);
  EXPECT_EQ(key_problem_name(KeyProblem::LowEntropy), "low_entropy");
}

TEST(RandomBase36, UsesEveryDigitEvenly) {
  const std::string text = random_base36(36000);
  ASSERT_EQ(text.size(), 36000u);
  for (const char digit : std::string("0123456789abcdefghijklmnopqrstuvwxyz")) {
    const auto n = std::count(text.begin(), text.end(), digit);
    EXPECT_NEAR(n, 1000, 200) << digit;
  }
}

}  // namespace
}  // namespace truce
