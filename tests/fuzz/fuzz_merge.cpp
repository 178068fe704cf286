// Three documents (base, mine, theirs, cut at NUL bytes): the merge laws of
// DESIGN.md hold, any merge prints text that parses, and applying
// diff(base, mine) to base gives mine.
#include "fuzz_support.hpp"
#include "truce/diff.hpp"
#include "truce/merge.hpp"
#include "truce/patch.hpp"

namespace {

using namespace truce;

void law(const char* name, const MergeResult& result, const Document& expected) {
  fuzz::check(result.clean(), name, "not clean: " + to_json_text(result.merged));
  fuzz::check(fuzz::canonical(result.merged) == fuzz::canonical(expected), name,
              to_json_text(result.merged) + "\nexpected " + to_json_text(expected));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto texts = fuzz::parts(data, size, 3);
  if (texts.size() != 3) return 0;
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
