// A document and a JSON Patch (cut at a NUL byte): applying either fails
// with a truce::Error or gives a document that prints and parses back; an
// RFC 7396 merge patch made from two documents turns one into the other
// (when the target holds no null, which a merge patch cannot carry).
#include "fuzz_support.hpp"
#include "truce/patch.hpp"

namespace {

bool holds_null(const truce::Document& value) {
  if (value.is_null()) return true;
  if (value.is_object() || value.is_array()) {
    for (const auto& item : value) {
      if (holds_null(item)) return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace truce;
  const auto texts = fuzz::parts(data, size, 2);
  if (texts.size() != 2) return 0;
  const auto doc = fuzz::parsed(texts[0]), other = fuzz::parsed(texts[1]);
  if (!doc || !other) return 0;
  try {
    const Document patched = apply_patch(*doc, *other);
    fuzz::check(fuzz::parsed(to_json_text(patched)).has_value(), "a patched document prints text that parses");
  } catch (const Error&) {
  }
  try {
    (void)apply_merge_patch(*doc, *other);
    // create_merge_patch refuses (INVALID_PATCH) a target holding a null.
    if (!holds_null(*other) && fuzz::canonical(*other)) {
      const Document made = create_merge_patch(*doc, *other);
      fuzz::check(fuzz::canonical(apply_merge_patch(*doc, made)) == fuzz::canonical(*other),
                  "apply_merge_patch(a, create_merge_patch(a, b)) = b", to_json_text(made));
    }
  } catch (const Error& error) {
    fuzz::check(error.code() == Code::LimitExceeded, "merge patches of valid documents fail only on a limit",
                error.what());
  }
  return 0;
}
