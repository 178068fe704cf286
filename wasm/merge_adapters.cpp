// Merging, diffs and patches, as JSON in / JSON out.
#include <map>
#include <new>
#include <string_view>
#include <utility>

#include "adapters.hpp"
#include "boundary.hpp"
#include "parse_limits.hpp"
#include "truce/diff.hpp"
#include "truce/error.hpp"
#include "truce/json.hpp"
#include "truce/merge.hpp"
#include "truce/merge_json.hpp"
#include "truce/patch.hpp"
#include "truce/rebase.hpp"

namespace truce::wasm {
namespace {

DiffOptions diff_options(const Document& wire) {
  DiffOptions options;
  if (wire.is_null()) return options;
  if (!wire.is_object()) throw Error(Code::InvalidArgument, "diff options must be an object");
  for (const auto& [name, value] : wire.items()) {
    if (name != "idKey" || !value.is_string())
      throw Error(Code::InvalidArgument, "diff options take only idKey (a string)", {{"option", name}});
    options.id_key = value.get<std::string>();
  }
  return options;
}

// The parsed arguments are ours: merge takes them apart instead of copying.
Document merge_values(Document& args) {
  const MergeOptions options = MergeOptions::from_json(args.size() > 3 ? args[3] : Document());
  return merge(std::move(args[0]), std::move(args[1]), std::move(args[2]), options).to_json();
}

Document resolve_result(const Document& args) {
  if (!args[1].is_object()) throw Error(Code::InvalidArgument, "choices must map conflict paths to choices");
  std::map<std::string, Choice> choices;
  for (const auto& [path, choice] : args[1].items()) choices.emplace(path, Choice::from_json(choice));
  return resolve(MergeResult::from_json(args[0]), choices);
}

Document diff_values(const Document& args) {
  return diff(args[0], args[1], diff_options(args.size() > 2 ? args[2] : Document()));
}
Document apply_patch_value(const Document& args) { return apply_patch(args[0], args[1]); }
Document create_merge_patch_value(const Document& args) { return create_merge_patch(args[0], args[1]); }
Document apply_merge_patch_value(const Document& args) { return apply_merge_patch(args[0], args[1]); }

Document rebase_patch(const Document& args) {
  RebaseResult result =
      rebase(args[0], args[1], args[2], MergeOptions::from_json(args.size() > 3 ? args[3] : Document()));
  Document out = std::move(result.merge).to_json();
  out["patch"] = std::move(result.patch);
  return out;
}

Document parse_limits_value(const Document& args) { return parse_limits_to_json(parse_limits_from_json(args[0])); }

// merge_json's options: the merge's own and `limits`, the texts' business,
// taken out before the merge options are read.
struct MergeJsonOptions {
  MergeOptions merge;
  ParseLimits limits;
};
MergeJsonOptions merge_json_options(Document wire) {
  MergeJsonOptions out;
  if (wire.is_object() && wire.contains("limits")) {
    out.limits = parse_limits_from_json(wire["limits"]);
    wire.erase("limits");
  }
  out.merge = MergeOptions::from_json(wire);
  return out;
}

// For the JS layer, which refuses a text on its length before it crosses:
// the options checked exactly as merge_json checks them first, and the
// limits they set.
Document merge_json_limits_value(const Document& args) {
  return parse_limits_to_json(merge_json_options(args[0]).limits);
}

// merge's result as MergeResult::to_json() writes it, without "merged".
Document all_but_merged(std::vector<Conflict> conflicts, const MergeStats& stats) {
  MergeResult outcome;
  outcome.conflicts = std::move(conflicts);
  outcome.stats = stats;
  Document rest = std::move(outcome).to_json();
  rest.erase("merged");
  return rest;
}

std::string merge_texts(const std::string& base, const std::string& mine, const std::string& theirs,
                        const std::string& options_json) {
  return merge_text_views(base, mine, theirs, options_json);
}

}  // namespace

std::string merge_text_views(std::string_view base, std::string_view mine, std::string_view theirs,
                             const std::string& options_json) {
  std::string merged_text;
  std::string envelope = guarded("[]", 0, [&](const Document&) -> Document {
    const MergeJsonOptions read = merge_json_options(options_json.empty() ? Document() : parse_json(options_json));
    JsonMergeResult result = merge_json(base, mine, theirs, read.merge, read.limits);
    merged_text = std::move(result.merged_text);
    return all_but_merged(std::move(result.conflicts), result.stats);
  });
  try {
    envelope.reserve(envelope.size() + 1 + merged_text.size());
    envelope += '\n';
    envelope += merged_text;
    return envelope;
  } catch (const std::bad_alloc&) {  // no room left for the answer itself
    return error_envelope_for_current_exception() + "\n";
  }
}

std::string merge_value_texts(std::string_view base, std::string_view mine, std::string_view theirs,
                              std::string_view options_json) {
  // Inside the argument array every document is one level deeper, and the
  // array's size is what the limit holds to.
  ParseLimits limits;
  limits.max_depth -= 1;
  if (base.size() + mine.size() + theirs.size() + options_json.size() + 5 <= limits.max_bytes) {
    try {
      const MergeOptions options = MergeOptions::from_json(parse_json(options_json, limits));
      JsonMergeResult result = merge_json(base, mine, theirs, options, limits);
      // As ok_envelope prints merge's result: merged first, then the rest.
      const std::string tail = to_json_text(all_but_merged(std::move(result.conflicts), result.stats));
      std::string envelope;
      envelope.reserve(result.merged_text.size() + tail.size() + 20);
      envelope += "{\"ok\":{\"merged\":";
      envelope += result.merged_text;
      envelope += ',';
      envelope.append(tail, 1);
      envelope += '}';
      return envelope;
    } catch (...) {  // NOLINT(bugprone-empty-catch): the argument array gives the answer, errors included
    }
  }
  std::string args = "[";
  for (const std::string_view part : {base, mine, theirs, options_json}) (args += part) += ',';
  args.back() = ']';
  return call_adapter("merge", args);
}

void add_merge_adapters(std::vector<Adapter>& table) {
  table.insert(table.end(), {
                                {"merge", &adapt<merge_values, 3>},
                                {"resolve", &adapt<resolve_result, 2>},
                                {"diff", &adapt<diff_values, 2>},
                                {"apply_patch", &adapt<apply_patch_value, 2>},
                                {"create_merge_patch", &adapt<create_merge_patch_value, 2>},
                                {"apply_merge_patch", &adapt<apply_merge_patch_value, 2>},
                                {"rebase", &adapt<rebase_patch, 3>},
                                {"parse_limits", &adapt<parse_limits_value, 1>},
                                {"merge_json_limits", &adapt<merge_json_limits_value, 1>},
                            });
}

void add_merge_text_adapters(std::vector<TextAdapter>& table) { table.push_back({"merge_json", &merge_texts}); }

}  // namespace truce::wasm
