#pragma once
// Three-way JSON merge: carry the user's edits (`mine`, made on `base`) onto
// the latest state (`theirs`), and say exactly what conflicts.
//
// Laws: merge(b, m, b) = m, merge(b, b, t) = t, merge(b, x, x) = x, all clean;
// edits at disjoint paths combine; the same inputs give byte-identical output
// in every runtime. The full rules are in DESIGN.md §2 and docs/decisions.md.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "truce/document.hpp"
#include "truce/text_merge.hpp"

namespace truce {

enum class OnConflict {
  Report,  // merged keeps theirs (the server state wins until someone decides)
  Mine,
  Theirs,
};

// A per-path rule. Patterns are JSON Pointers whose tokens may be "*" (any key
// or index): "/tasks/*/tags". When several patterns match a path, the one with
// the fewest "*" wins, then the one declared first.
struct Rule {
  enum class Kind {
    Set,       // arrays as sets: theirs ∪ (mine − base) − (base − mine); never conflicts
    Counter,   // numbers: theirs + (mine − base)
    Text,      // strings: diff3 over lines or words
    Atomic,    // the whole value, no descent: both changed differently → conflict
    Mine,      // always mine's value
    Theirs,    // always theirs' value
    Identity,  // arrays of objects matched by `id_key`
  };
  Kind kind = Kind::Atomic;
  std::string id_key;                  // Identity
  TextUnit text_unit = TextUnit::Lines;  // Text
};

struct MergeOptions {
  OnConflict on_conflict = OnConflict::Report;
  // Identity field for arrays whose items are all objects carrying it.
  std::string id_key = "id";
  std::vector<std::pair<std::string, Rule>> rules;  // pattern -> rule, in declaration order
  std::size_t max_depth = 1000;

  // The JS / wire form: {"onConflict": "report"|"mine"|"theirs", "idKey": "id",
  // "rules": {"/tasks/*/tags": "set" | "counter" | "text" | "atomic" | "mine" |
  // "theirs" | {"idKey": "sku"} | {"text": "lines"|"words"}}, "maxDepth": 1000}.
  // INVALID_ARGUMENT for unknown members or values; INVALID_POINTER for bad patterns.
  static MergeOptions from_json(const Document& wire);
};

// (bugprone-exception-escape: only inside Document's implicit noexcept moves
// and destructor, where nlohmann may allocate its teardown stack.)
// NOLINTNEXTLINE(bugprone-exception-escape)
struct Conflict {
  enum class Kind {
    BothModified,  // both sides changed the value differently
    ModifyDelete,  // mine modified, theirs deleted
    DeleteModify,  // mine deleted, theirs modified
    BothAdded,     // both added different values where base had none
    TypeChanged,   // one side changed the type, the other edited the value
    Move,          // an identity-array item moved differently on both sides
    Sequence,      // an unstable chunk of a plain array (diff3)
    Text,          // conflicting regions inside a string (text rule)
  };
  // JSON Pointer into `merged` where the value is there, else into `mine`.
  std::string path;
  Kind kind = Kind::BothModified;
  // Whether `path` names a value in merged (false: the kept side had none).
  bool in_merged = false;
  // Each side's value at the conflict; empty when absent on that side. For
  // Sequence conflicts, the three chunks (arrays); for Text, the whole strings;
  // for Move, the item's index in each array.
  std::optional<Document> base, mine, theirs;
  // Sequence conflicts: where each chunk lies, as [begin, end) indexes into the
  // base, mine, theirs and merged arrays. Text conflicts: byte ranges, one per region.
  Document ranges;

  // {"path", "kind", "base"?, "mine"?, "theirs"?, "ranges"?, "inMerged"?}:
  // absent sides are left out, so `null` always means the JSON value null;
  // "inMerged": false appears only when merged does not hold the value.
  Document to_json() const;
  // The inverse of to_json(); INVALID_ARGUMENT when malformed.
  static Conflict from_json(const Document& wire);
};

std::string_view conflict_kind_name(Conflict::Kind kind) noexcept;  // "both_modified", ...

struct MergeStats {
  std::size_t values_visited = 0;
  std::size_t identity_arrays = 0;
  std::size_t sequence_arrays = 0;
};

// (bugprone-exception-escape: only inside Document's implicit noexcept moves
// and destructor, where nlohmann may allocate its teardown stack.)
// NOLINTNEXTLINE(bugprone-exception-escape)
struct MergeResult {
  Document merged;
  std::vector<Conflict> conflicts;
  MergeStats stats;

  bool clean() const noexcept { return conflicts.empty(); }
  // {"merged", "conflicts": [...], "clean", "stats"}; the && form moves merged out.
  Document to_json() const&;
  Document to_json() &&;
  // From {"merged", "conflicts"} (as to_json() gives them); INVALID_ARGUMENT when malformed.
  static MergeResult from_json(const Document& wire);
};

// LIMIT_EXCEEDED past options.max_depth; INVALID_ARGUMENT for bad options.
MergeResult merge(const Document& base, const Document& mine, const Document& theirs,
                  const MergeOptions& options = {});
// The same merge, taking the documents over: values the result keeps are moved
// out of them instead of copied (what a server that parsed the three texts
// wants: on a 9 MB document, copying was a third of the merge). The documents
// are left valid but hollow.
MergeResult merge(Document&& base, Document&& mine, Document&& theirs, const MergeOptions& options = {});

// A decision for one conflict: a side, or a value of the caller's own.
// (bugprone-exception-escape: only inside Document's implicit noexcept moves
// and destructor, where nlohmann may allocate its teardown stack.)
// NOLINTNEXTLINE(bugprone-exception-escape)
struct Choice {
  enum class Side { Mine, Theirs, Base, Value };
  Side side = Side::Theirs;
  Document value;  // Side::Value

  // "mine" | "theirs" | "base" | {"value": v}. INVALID_ARGUMENT otherwise.
  static Choice from_json(const Document& wire);
};

// Applies per-path choices (keys: conflict paths) to result.merged and returns
// the final document. Conflicts without a choice keep what merged holds.
// INVALID_ARGUMENT when a path names no conflict.
Document resolve(const MergeResult& result, const std::map<std::string, Choice>& choices);

}  // namespace truce
