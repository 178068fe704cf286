#include "truce/rebase.hpp"

#include "truce/diff.hpp"
#include "truce/patch.hpp"

namespace truce {

RebaseResult rebase(const Document& patch, const Document& base, const Document& latest, const MergeOptions& options) {
  const Document mine = apply_patch(base, patch);
  RebaseResult result{merge(base, mine, latest, options), Document()};
  DiffOptions diff_options;
  diff_options.id_key = options.id_key;
  result.patch = diff(latest, result.merge.merged, diff_options);
  return result;
}

}  // namespace truce
