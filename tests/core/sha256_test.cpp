// SHA-256 against the FIPS 180-2 / 180-4 examples, every message length
// around the padding boundaries, and any split of the input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <string>

#include "truce/sha256.hpp"

#if TRUCE_HAVE_OPENSSL
#include <openssl/evp.h>
#endif

namespace truce {
namespace {

// 0..199 bytes of a pattern that runs through every byte value.
std::string pattern(std::size_t length) {
  std::string bytes(length, '\0');
  for (std::size_t i = 0; i < length; ++i) bytes[i] = static_cast<char>((i * 37 + 11) & 0xFF);
  return bytes;
}

TEST(Sha256, FipsExamples) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopq"
                       "rsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, OneMillionAFedInPiecesOfEverySize) {
  const std::string as(1000, 'a');
  Sha256 hasher;
  std::size_t fed = 0;
  for (std::size_t size = 1; fed < 1000000; size = size % 997 + 1) {
    const std::size_t take = std::min(size, 1000000 - fed);
    hasher.update(std::string_view(as).substr(0, take));
    fed += take;
  }
  EXPECT_EQ(to_hex(hasher.finish()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// The digests of pattern(0) .. pattern(200), each in hex, concatenated and
// hashed: computed with coreutils' sha256sum (see the command below), so the
// lengths around 55/56/64 bytes, where padding spills into a second block,
// are checked against an independent implementation.
//   for n in $(seq 0 200); do head -c $n pattern.bin | sha256sum | cut -c1-64 | tr -d '\n'; done | sha256sum
TEST(Sha256, EveryLengthUpTo200MatchesSha256sum) {
  std::string chain;
  for (std::size_t length = 0; length <= 200; ++length) chain += sha256_hex(pattern(length));
  EXPECT_EQ(chain.size(), 201u * 64);
  EXPECT_EQ(sha256_hex(chain), "5e326e10d49079c892e1957f9c2b98a13e72711c8fa0de33b2a05abc2030e087");
  EXPECT_EQ(sha256_hex(pattern(55)), "2900465fcb533e05a158fd2b3be0e5e3b03740d83060aa3580e0d98a96bf2384");
  EXPECT_EQ(sha256_hex(pattern(64)), "94eb5de4943613fd048dc93393ab06877405faa39c11f53e9386083339833e7e");
  EXPECT_EQ(sha256_hex(pattern(200)), "5e48d64839a8bff5e2471507af6a49f9990817df437857f4a2007df41266e1b5");
}

#if TRUCE_HAVE_OPENSSL
TEST(Sha256, EveryLengthUpTo200MatchesOpenSsl) {
  for (std::size_t length = 0; length <= 200; ++length) {
    const std::string bytes = pattern(length);
    unsigned char expected[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    ASSERT_EQ(EVP_Digest(bytes.data(), bytes.size(), expected, &size, EVP_sha256(), nullptr), 1);
    ASSERT_EQ(size, 32u);
    const Sha256::Digest digest = sha256(bytes);
    EXPECT_EQ(std::string(digest.begin(), digest.end()), std::string(expected, expected + size)) << "length " << length;
  }
}
#endif

TEST(Sha256, AnySplitGivesTheSameDigest) {
  const std::string bytes = pattern(200);
  const Sha256::Digest whole = sha256(bytes);
  Sha256 hasher;
  for (std::size_t first = 0; first <= bytes.size(); ++first) {
    for (std::size_t second = first; second <= bytes.size(); second += 7) {
      hasher.update(std::string_view(bytes).substr(0, first));
      hasher.update(std::string_view(bytes).substr(first, second - first));
      hasher.update(std::string_view());
      hasher.update(std::string_view(bytes).substr(second));
      ASSERT_EQ(hasher.finish(), whole) << "split at " << first << " and " << second;
    }
  }
}

TEST(Sha256, FinishStartsOver) {
  Sha256 hasher;
  hasher.update("abc");
  EXPECT_EQ(to_hex(hasher.finish()), sha256_hex("abc"));
  EXPECT_EQ(to_hex(hasher.finish()), sha256_hex(""));
  hasher.update("ab").update("c");
  EXPECT_EQ(to_hex(hasher.finish()), sha256_hex("abc"));
}

TEST(Sha256, HexIsLowercase) {
  const std::string hex = sha256_hex("Truce");
  ASSERT_EQ(hex.size(), 64u);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace truce
