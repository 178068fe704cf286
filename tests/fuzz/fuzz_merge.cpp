// Three documents (base, mine, theirs, cut at NUL bytes): merge_json answers
// exactly as parsing, merge() and printing do (valid texts or not), the merge
// laws of DESIGN.md hold, any merge prints text that parses, and applying
// diff(base, mine) to base gives mine.
#include <array>

#include "fuzz_support.hpp"
#include "truce/diff.hpp"
#include "truce/merge.hpp"
#include "truce/merge_json.hpp"
#include "truce/patch.hpp"

namespace {

using namespace truce;

void law(const char* name, const MergeResult& result, const Document& expected) {
  fuzz::check(result.clean(), name, "not clean: " + to_json_text(result.merged));
  fuzz::check(fuzz::canonical(result.merged) == fuzz::canonical(expected), name,
              to_json_text(result.merged) + "\nexpected " + to_json_text(expected));
}

// A merge's whole answer as one text: the error, or conflicts and stats, then the merged text.
std::string answer(const std::vector<Conflict>& conflicts, const MergeStats& stats, const std::string& merged_text) {
  MergeResult meta;
  meta.conflicts = conflicts;
  meta.stats = stats;
  return to_json_text(std::move(meta).to_json()) + "\n" + merged_text;
}
std::string answer(const Error& error) {
  return std::string(error.code_name()) + " " + error.message() + " " + to_json_text(error.details());
}

std::string through_texts(const std::array<std::string_view, 3>& texts) {
  try {
    const JsonMergeResult result = merge_json(texts[0], texts[1], texts[2]);
    return answer(result.conflicts, result.stats, result.merged_text);
  } catch (const Error& error) {
    return answer(error);
  }
}

// What merge_json promises to equal (merge_json.hpp).
std::string through_documents(const std::array<std::string_view, 3>& texts) {
  static const char* const kSides[] = {"base", "mine", "theirs"};
  std::array<Document, 3> documents;
  std::size_t side = 0;
  try {
    for (side = 0; side < 3; ++side)
      if (texts[side].size() > ParseLimits{}.max_bytes) parse_json(texts[side]);
    for (side = 0; side < 3; ++side) documents[side] = parse_json(texts[side]);
  } catch (const Error& error) {
    Document details = error.details();
    details["side"] = kSides[side];
    return answer(Error(error.code(), std::string(kSides[side]) + ": " + error.message(), std::move(details)));
  }
  try {
    const MergeResult result = merge(std::move(documents[0]), std::move(documents[1]), std::move(documents[2]));
    return answer(result.conflicts, result.stats, to_json_text(result.merged));
  } catch (const Error& error) {
    return answer(error);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto texts = fuzz::parts(data, size, 3);
  if (texts.size() != 3) return 0;
  const std::array<std::string_view, 3> sides{texts[0], texts[1], texts[2]};
  const std::string expected = through_documents(sides), got = through_texts(sides);
  fuzz::check(got == expected, "merge_json answers as parse_json x3 + merge + to_json_text",
              "merge_json:\n" + got + "\ndocuments:\n" + expected);
  const auto base = fuzz::parsed(texts[0]), mine = fuzz::parsed(texts[1]), theirs = fuzz::parsed(texts[2]);
  if (!base || !mine || !theirs) return 0;
  if (!fuzz::canonical(*base) || !fuzz::canonical(*mine) || !fuzz::canonical(*theirs)) return 0;
  try {
    law("merge(b, m, b) = m", merge(*base, *mine, *base), *mine);
    law("merge(b, b, t) = t", merge(*base, *base, *theirs), *theirs);
    law("merge(b, x, x) = x", merge(*base, *mine, *mine), *mine);
    const MergeResult any = merge(*base, *mine, *theirs);
    fuzz::check(fuzz::parsed(to_json_text(any.merged)).has_value(), "a merge prints text that parses");
    const Document patch = diff(*base, *mine);
    fuzz::check(fuzz::canonical(apply_patch(*base, patch)) == fuzz::canonical(*mine), "apply(diff(b, m), b) = m",
                to_json_text(patch));
  } catch (const Error& error) {
    // Only limits may stop a merge of valid documents.
    fuzz::check(error.code() == Code::LimitExceeded, "merging valid documents fails only on a limit", error.what());
  }
  return 0;
}
