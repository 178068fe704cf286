#include "truce/merge.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "truce/error.hpp"
#include "truce/pointer.hpp"
#include "truce/sequence.hpp"
#include "truce/text_merge.hpp"
#include "merge_within_depth.hpp"
#include "rule_pattern.hpp"
#include "value_index.hpp"

namespace truce {
namespace {

// A side of a three-way comparison: the value, or nullptr when absent there.
using Side = const Document*;

bool same(Side a, Side b) {
  if (a == nullptr || b == nullptr) return a == b;
  return a == b || *a == *b;
}

std::optional<Document> copy(Side side) { return side ? std::optional<Document>(*side) : std::nullopt; }

bool is_number(Side side) { return side && side->is_number(); }

// Numbers of any representation are one JSON type.
int type_class(const Document& value) {
  return value.is_number() ? static_cast<int>(Document::value_t::number_float) : static_cast<int>(value.type());
}

struct CompiledRule {
  std::vector<std::string> tokens;  // "*" matches any token
  std::size_t wildcards = 0;
  Rule rule;
};

class Merger {
 public:
  // consume: the sides are the caller's to give away (merge(Document&&, ...)).
  Merger(const MergeOptions& options, bool consume) : options_(options), consume_(consume) {
    for (const auto& [pattern, rule] : options.rules) {
      CompiledRule compiled{Pointer::parse(pattern).tokens(), 0, rule};
      compiled.wildcards = static_cast<std::size_t>(std::count(compiled.tokens.begin(), compiled.tokens.end(), "*"));
      rules_.push_back(std::move(compiled));
    }
  }

  // depth_checked: the caller knows no input is deeper than options.max_depth.
  MergeResult run(const Document& base, const Document& mine, const Document& theirs, bool depth_checked = false) {
    for (const Document* input : {&base, &mine, &theirs}) {
      if (!depth_checked && detail::depth_of(*input) > options_.max_depth) {
        throw Error(Code::LimitExceeded,
                    "Document nesting is deeper than the merge limit of " + std::to_string(options_.max_depth),
                    {{"limit", "depth"}, {"max", options_.max_depth}});
      }
    }
    auto merged = merge_value(&base, &mine, &theirs);
    result_.merged = merged ? std::move(*merged) : Document(nullptr);
    return std::move(result_);
  }

 private:
  // ---- paths and rules -------------------------------------------------

  std::string current_path() const {
    std::string text;
    for (const auto& token : path_) text += "/" + escape_token(token);
    return text;
  }

  const Rule* rule_here() const {
    const CompiledRule* best = nullptr;
    for (const auto& candidate : rules_) {
      if (detail::pattern_matches(candidate.tokens, path_) && (!best || candidate.wildcards < best->wildcards))
        best = &candidate;
    }
    return best ? &best->rule : nullptr;
  }

  struct PathScope {
    PathScope(std::vector<std::string>& path, std::string token) : path_(path) { path_.push_back(std::move(token)); }
    ~PathScope() { path_.pop_back(); }
    PathScope(const PathScope&) = delete;
    PathScope& operator=(const PathScope&) = delete;
    std::vector<std::string>& path_;
  };

  // A side's value for the result: moved out of the side when the caller gave
  // the documents away. Every path reads a side's value before it takes it,
  // and takes each at most once.
  std::optional<Document> take(Side side) const {
    if (!side) return std::nullopt;
    if (consume_) return std::move(*const_cast<Document*>(side));
    return *side;
  }

  // ---- conflicts -----------------------------------------------------------

  // Records a conflict at the current path and returns what merged holds for it.
  std::optional<Document> conflict(Conflict::Kind kind, Side base, Side mine, Side theirs,
                                   Document ranges = Document()) {
    Conflict c;
    c.path = current_path();
    c.kind = kind;
    c.base = copy(base);
    c.mine = copy(mine);
    c.theirs = copy(theirs);
    c.ranges = std::move(ranges);
    Side kept = options_.on_conflict == OnConflict::Mine ? mine : theirs;
    c.in_merged = kept != nullptr;
    result_.conflicts.push_back(std::move(c));
    return take(kept);
  }

  Conflict::Kind disagreement_kind(Side base, Side mine, Side theirs) const {
    if (!mine) return Conflict::Kind::DeleteModify;
    if (!theirs) return Conflict::Kind::ModifyDelete;
    if (!base) return Conflict::Kind::BothAdded;
    if (type_class(*mine) != type_class(*base) || type_class(*theirs) != type_class(*base))
      return Conflict::Kind::TypeChanged;
    return Conflict::Kind::BothModified;
  }

  // ---- the recursion -------------------------------------------------------

  std::optional<Document> merge_value(Side base, Side mine, Side theirs) {
    ++result_.stats.values_visited;
    if (path_.size() > options_.max_depth) {
      throw Error(Code::LimitExceeded, "Merge went deeper than the limit of " + std::to_string(options_.max_depth),
                  {{"limit", "depth"}, {"max", options_.max_depth}});
    }
    const Rule* rule = rule_here();
    if (rule && rule->kind == Rule::Kind::Mine) return take(mine);
    if (rule && rule->kind == Rule::Kind::Theirs) return take(theirs);

    if (same(mine, theirs) || same(mine, base)) return take(theirs);
    if (same(theirs, base)) return take(mine);

    // Both sides changed, differently.
    if (rule) {
      if (auto merged = merge_by_rule(*rule, base, mine, theirs)) return std::move(*merged);
    }
    const Conflict::Kind kind = disagreement_kind(base, mine, theirs);
    if (kind == Conflict::Kind::BothModified && !(rule && rule->kind == Rule::Kind::Atomic)) {
      if (base->is_object()) return merge_object(*base, *mine, *theirs);
      if (base->is_array()) return merge_array(*base, *mine, *theirs, options_.id_key);
    }
    return conflict(kind, base, mine, theirs);
  }

  // Empty when the rule does not apply to these values (default handling then).
  std::optional<std::optional<Document>> merge_by_rule(const Rule& rule, Side base, Side mine, Side theirs) {
    switch (rule.kind) {
      case Rule::Kind::Counter:
        if (is_number(mine) && is_number(theirs) && (!base || base->is_number()))
          return std::optional<Document>(count(base, *mine, *theirs));
        break;
      case Rule::Kind::Set:
        if (mine && theirs && mine->is_array() && theirs->is_array() && (!base || base->is_array()))
          return std::optional<Document>(merge_set(base, *mine, *theirs));
        break;
      case Rule::Kind::Text:
        if (mine && theirs && mine->is_string() && theirs->is_string() && (!base || base->is_string()))
          return merge_text_value(rule, base, *mine, *theirs);
        break;
      case Rule::Kind::Identity:
        if (mine && theirs && base && mine->is_array() && theirs->is_array() && base->is_array())
          return merge_array(*base, *mine, *theirs, rule.id_key);
        break;
      case Rule::Kind::Atomic:
      case Rule::Kind::Mine:
      case Rule::Kind::Theirs:
        break;
    }
    return std::nullopt;
  }

  // ---- rules ---------------------------------------------------------------

  static Document count(Side base, const Document& mine, const Document& theirs) {
    const bool integral =
        mine.is_number_integer() && theirs.is_number_integer() && (!base || base->is_number_integer());
    if (integral) {
      const auto as_int = [](const Document& v) {
        return v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)
                   ? std::optional<std::int64_t>()
                   : std::optional<std::int64_t>(v.get<std::int64_t>());
      };
      const auto m = as_int(mine), t = as_int(theirs), b = base ? as_int(*base) : std::optional<std::int64_t>(0);
      std::int64_t delta = 0, total = 0;
      if (m && t && b && !__builtin_sub_overflow(*m, *b, &delta) && !__builtin_add_overflow(*t, delta, &total))
        return total;
    }
    const double b = base ? base->get<double>() : 0.0;
    return theirs.get<double>() + (mine.get<double>() - b);
  }

  static Document merge_set(Side base, const Document& mine, const Document& theirs) {
    const Document empty = Document::array();
    const Document& b = base ? *base : empty;
    detail::ValueInterner interner;
    const Tokens base_tokens = interner.intern_all(b);
    const Tokens mine_tokens = interner.intern_all(mine);
    const Tokens theirs_tokens = interner.intern_all(theirs);
    const std::unordered_set<Token> in_base(base_tokens.begin(), base_tokens.end());
    const std::unordered_set<Token> in_mine(mine_tokens.begin(), mine_tokens.end());
    std::unordered_set<Token> emitted;
    Document out = Document::array();
    for (std::size_t i = 0; i < theirs.size(); ++i) {
      const Token token = theirs_tokens[i];
      const bool mine_removed = in_base.count(token) && !in_mine.count(token);
      if (!mine_removed && emitted.insert(token).second) out.push_back(theirs[i]);
    }
    for (std::size_t i = 0; i < mine.size(); ++i) {
      const Token token = mine_tokens[i];
      if (!in_base.count(token) && emitted.insert(token).second) out.push_back(mine[i]);
    }
    return out;
  }

  std::optional<Document> merge_text_value(const Rule& rule, Side base, const Document& mine, const Document& theirs) {
    const std::string empty;
    const std::string& b = base ? base->get_ref<const std::string&>() : empty;
    const TextMergeResult text = merge_text(b, mine.get_ref<const std::string&>(), theirs.get_ref<const std::string&>(),
                                            rule.text_unit, options_.on_conflict == OnConflict::Mine);
    if (text.clean()) return Document(text.merged);
    Document ranges = Document::array();
    for (const auto& region : text.conflicts) {
      ranges.push_back({{"base", {region.base_begin, region.base_end}},
                        {"mine", {region.mine_begin, region.mine_end}},
                        {"theirs", {region.theirs_begin, region.theirs_end}}});
    }
    conflict(Conflict::Kind::Text, base, &mine, &theirs, std::move(ranges));
    return Document(text.merged);
  }

  // ---- objects -------------------------------------------------------------

  // Key order follows theirs; keys only mine has are placed right after their
  // predecessor in mine (the nearest preceding key that theirs also has), after
  // any keys theirs added at that same place.
  Document merge_object(const Document& base, const Document& mine, const Document& theirs) {
    Document out = Document::object();
    // Merged values of theirs' keys, in theirs' order (absent ones dropped).
    std::vector<std::pair<const std::string*, std::optional<Document>>> anchored;
    anchored.reserve(theirs.size());
    for (const auto& [key, value] : theirs.items()) {
      PathScope scope(path_, key);
      const auto b = base.find(key);
      const auto m = mine.find(key);
      anchored.emplace_back(&key,
                            merge_value(b != base.end() ? &*b : nullptr, m != mine.end() ? &*m : nullptr, &value));
    }
    // Keys only mine has, grouped by the anchor they follow ("" group: the front).
    std::unordered_map<std::string_view, std::vector<std::pair<const std::string*, Document>>> after;
    std::vector<std::pair<const std::string*, Document>> front;
    const std::string* anchor = nullptr;
    for (const auto& [key, value] : mine.items()) {
      if (theirs.contains(key)) {
        anchor = &key;
        continue;
      }
      PathScope scope(path_, key);
      const auto b = base.find(key);
      auto merged = merge_value(b != base.end() ? &*b : nullptr, &value, nullptr);
      if (!merged) continue;
      (anchor ? after[*anchor] : front).emplace_back(&key, std::move(*merged));
    }

    std::vector<std::pair<const std::string*, Document>> pending = std::move(front);
    const auto flush = [&] {
      for (auto& [key, value] : pending) out.emplace(*key, std::move(value));
      pending.clear();
    };
    for (auto& [key, value] : anchored) {
      const bool theirs_added = !base.contains(*key) && !mine.contains(*key);
      if (!theirs_added) flush();
      if (value) out.emplace(*key, std::move(*value));
      if (const auto group = after.find(*key); group != after.end()) {
        for (auto& entry : group->second) pending.push_back(std::move(entry));
      }
    }
    flush();
    return out;
  }

  // ---- arrays --------------------------------------------------------------

  Document merge_array(const Document& base, const Document& mine, const Document& theirs, const std::string& id_key) {
    if (!id_key.empty()) {
      detail::ValueInterner ids;
      std::vector<Tokens> tokens;
      if (detail::intern_identities(ids, {&base, &mine, &theirs}, id_key, tokens)) {
        ++result_.stats.identity_arrays;
        return merge_identity_array(base, mine, theirs, ids.size(), tokens[0], tokens[1], tokens[2]);
      }
    }
    ++result_.stats.sequence_arrays;
    return merge_sequence_array(base, mine, theirs);
  }

  // Plain arrays: diff3 over the elements. A conflicting chunk of equal length
  // on all three sides merges element by element; any other is one Sequence
  // conflict at the array's path.
  Document merge_sequence_array(const Document& base, const Document& mine, const Document& theirs) {
    detail::ValueInterner interner;
    const Tokens b = interner.intern_all(base), m = interner.intern_all(mine), t = interner.intern_all(theirs);
    Document out = Document::array();
    const auto append = [&](const Document& from, Span span) {
      for (std::size_t i = span.begin; i < span.end; ++i) out.push_back(*take(&from[i]));
    };
    for (const Diff3Chunk& chunk : diff3(b, m, t)) {
      switch (chunk.kind) {
        case Diff3Chunk::Kind::Stable:
        case Diff3Chunk::Kind::TheirsChanged:
        case Diff3Chunk::Kind::BothSame:
          append(theirs, chunk.theirs);
          break;
        case Diff3Chunk::Kind::MineChanged:
          append(mine, chunk.mine);
          break;
        case Diff3Chunk::Kind::Conflict:
          if (chunk.base.size() == chunk.mine.size() && chunk.mine.size() == chunk.theirs.size()) {
            for (std::size_t k = 0; k < chunk.base.size(); ++k) {
              PathScope scope(path_, std::to_string(out.size()));
              auto merged = merge_value(&base[chunk.base.begin + k], &mine[chunk.mine.begin + k],
                                        &theirs[chunk.theirs.begin + k]);
              out.push_back(merged ? std::move(*merged) : Document(nullptr));
            }
          } else {
            const auto slice = [](const Document& from, Span span) {
              Document part = Document::array();
              for (std::size_t i = span.begin; i < span.end; ++i) part.push_back(from[i]);
              return part;
            };
            Document base_chunk = slice(base, chunk.base), mine_chunk = slice(mine, chunk.mine),
                     theirs_chunk = slice(theirs, chunk.theirs);
            const Span kept = options_.on_conflict == OnConflict::Mine ? chunk.mine : chunk.theirs;
            const std::size_t start = out.size();
            conflict(Conflict::Kind::Sequence, &base_chunk, &mine_chunk, &theirs_chunk,
                     {{"base", {chunk.base.begin, chunk.base.end}},
                      {"mine", {chunk.mine.begin, chunk.mine.end}},
                      {"theirs", {chunk.theirs.begin, chunk.theirs.end}},
                      {"merged", {start, start + kept.size()}}});
            append(options_.on_conflict == OnConflict::Mine ? mine : theirs, kept);
          }
          break;
      }
    }
    return out;
  }

  // Arrays of objects matched by identity, given their ids as tokens (0 ..
  // id_count - 1). See DESIGN.md §2 for the order rules.
  Document merge_identity_array(const Document& base, const Document& mine, const Document& theirs,
                                std::size_t id_count, const Tokens& b, const Tokens& m, const Tokens& t) {
    struct Item {
      std::ptrdiff_t base = -1, mine = -1, theirs = -1;
      bool moved_mine = false, moved_theirs = false;
    };
    std::vector<Item> items(id_count);
    for (std::size_t i = 0; i < b.size(); ++i) items[b[i]].base = static_cast<std::ptrdiff_t>(i);
    for (std::size_t i = 0; i < m.size(); ++i) items[m[i]].mine = static_cast<std::ptrdiff_t>(i);
    for (std::size_t i = 0; i < t.size(); ++i) items[t[i]].theirs = static_cast<std::ptrdiff_t>(i);

    // "Moved" = not on the longest common subsequence of the ids both arrays hold.
    const auto mark_moves = [&](const Tokens& side, bool Item::*moved, std::ptrdiff_t Item::*index) {
      Tokens base_common, side_common;
      for (const Token id : b)
        if (items[id].*index >= 0) base_common.push_back(id);
      for (const Token id : side)
        if (items[id].base >= 0) side_common.push_back(id);
      for (const Token id : side_common) items[id].*moved = true;
      for (const auto& [i, j] : common_subsequence(base_common, side_common)) {
        (void)i;
        items[side_common[j]].*moved = false;
      }
    };
    mark_moves(m, &Item::moved_mine, &Item::mine);
    mark_moves(t, &Item::moved_theirs, &Item::theirs);

    const auto predecessor = [](const Tokens& side, std::ptrdiff_t index) -> std::optional<Token> {
      if (index <= 0) return std::nullopt;
      return side[static_cast<std::size_t>(index - 1)];
    };
    const bool prefer_mine = options_.on_conflict == OnConflict::Mine;

    // Which items the result holds, and whether each is placed by mine.
    std::vector<char> present(items.size(), 0), mine_placed(items.size(), 0), move_conflict(items.size(), 0);
    for (Token id = 0; id < items.size(); ++id) {
      const Item& item = items[id];
      const bool in_b = item.base >= 0, in_m = item.mine >= 0, in_t = item.theirs >= 0;
      if ((in_m && in_t) || !in_b) {
        present[id] = 1;  // on both sides, or added by one
      } else if (in_t) {  // mine deleted it: gone, unless theirs edited it (a conflict)
        present[id] = !(theirs[item.theirs] == base[item.base]) && !prefer_mine;
      } else if (in_m) {  // theirs deleted it: gone, unless mine edited it (a conflict)
        present[id] = !(mine[item.mine] == base[item.base]) && prefer_mine;
      }
      if (!present[id]) continue;
      if (!in_t) {
        mine_placed[id] = 1;
      } else if (in_m && item.moved_mine) {
        if (!item.moved_theirs) {
          mine_placed[id] = 1;
        } else if (predecessor(m, item.mine) != predecessor(t, item.theirs)) {
          move_conflict[id] = 1;
          mine_placed[id] = prefer_mine;
        }
      }
    }

    // Order: theirs' order for the items it places; each mine-placed item right
    // after its predecessor in mine (the nearest preceding item theirs places),
    // after anything theirs inserted at that same place.
    std::vector<std::vector<Token>> after(items.size());
    std::vector<Token> front;
    std::optional<Token> anchor;
    for (const Token id : m) {
      if (!present[id]) continue;
      if (mine_placed[id]) {
        (anchor ? after[*anchor] : front).push_back(id);
      } else {
        anchor = id;
      }
    }
    std::vector<Token> order;
    order.reserve(items.size());
    std::vector<Token> pending = std::move(front);
    const auto flush = [&] {
      order.insert(order.end(), pending.begin(), pending.end());
      pending.clear();
    };
    for (const Token id : t) {
      if (!present[id] || mine_placed[id]) continue;
      const bool theirs_inserted = items[id].base < 0 && items[id].mine < 0;
      if (!theirs_inserted) flush();
      order.push_back(id);
      pending.insert(pending.end(), after[id].begin(), after[id].end());
    }
    flush();

    // Contents, merged at their final index.
    Document out = Document::array();
    for (const Token id : order) {
      const Item& item = items[id];
      PathScope scope(path_, std::to_string(out.size()));
      if (move_conflict[id]) {
        // The item is in merged either way; the sides are its indexes in each array.
        Document at_base(item.base), at_mine(item.mine), at_theirs(item.theirs);
        conflict(Conflict::Kind::Move, &at_base, &at_mine, &at_theirs);
      }
      auto merged =
          merge_value(item.base >= 0 ? &base[item.base] : nullptr, item.mine >= 0 ? &mine[item.mine] : nullptr,
                      item.theirs >= 0 ? &theirs[item.theirs] : nullptr);
      out.push_back(merged ? std::move(*merged) : Document(nullptr));
    }
    // Items the result does not hold but whose removal conflicts: addressed by
    // their index in mine (or theirs, when mine does not have them either).
    for (Token id = 0; id < items.size(); ++id) {
      const Item& item = items[id];
      if (present[id] || item.base < 0) continue;
      const Side b_item = &base[item.base];
      const Side m_item = item.mine >= 0 ? &mine[item.mine] : nullptr;
      const Side t_item = item.theirs >= 0 ? &theirs[item.theirs] : nullptr;
      if (same(m_item, b_item) || same(t_item, b_item) || same(m_item, t_item)) continue;
      PathScope scope(path_, std::to_string(item.mine >= 0 ? item.mine : item.theirs));
      merge_value(b_item, m_item, t_item);
    }
    return out;
  }

  const MergeOptions& options_;
  const bool consume_;
  std::vector<CompiledRule> rules_;
  std::vector<std::string> path_;
  MergeResult result_;
};

}  // namespace

// ---- options, conflicts, results ------------------------------------------

namespace {

Rule rule_from_json(const std::string& pattern, const Document& wire) {
  Rule rule;
  if (wire.is_string()) {
    static const std::pair<const char*, Rule::Kind> kNames[] = {
        {"set", Rule::Kind::Set},       {"counter", Rule::Kind::Counter}, {"text", Rule::Kind::Text},
        {"atomic", Rule::Kind::Atomic}, {"mine", Rule::Kind::Mine},       {"theirs", Rule::Kind::Theirs}};
    for (const auto& [name, kind] : kNames) {
      if (wire.get_ref<const std::string&>() == name) {
        rule.kind = kind;
        return rule;
      }
    }
  } else if (wire.is_object() && wire.size() == 1) {
    if (const auto id = wire.find("idKey");
        id != wire.end() && id->is_string() && !id->get_ref<const std::string&>().empty()) {
      rule.kind = Rule::Kind::Identity;
      rule.id_key = id->get<std::string>();
      return rule;
    }
    if (const auto text = wire.find("text"); text != wire.end() && (*text == "lines" || *text == "words")) {
      rule.kind = Rule::Kind::Text;
      rule.text_unit = *text == "words" ? TextUnit::Words : TextUnit::Lines;
      return rule;
    }
  }
  throw Error(
      Code::InvalidArgument,
      "Invalid merge rule for " + pattern +
          ": expected set, counter, text, atomic, mine, theirs, {\"idKey\": …} or {\"text\": \"lines\"|\"words\"}",
      {{"pattern", pattern}, {"rule", wire}});
}

}  // namespace

MergeOptions MergeOptions::from_json(const Document& wire) {
  MergeOptions options;
  if (wire.is_null()) return options;
  if (!wire.is_object()) throw Error(Code::InvalidArgument, "merge options must be an object");
  for (const auto& [name, value] : wire.items()) {
    if (name == "onConflict") {
      if (value == "report")
        options.on_conflict = OnConflict::Report;
      else if (value == "mine")
        options.on_conflict = OnConflict::Mine;
      else if (value == "theirs")
        options.on_conflict = OnConflict::Theirs;
      else
        throw Error(Code::InvalidArgument, "onConflict must be 'report', 'mine' or 'theirs'", {{"onConflict", value}});
    } else if (name == "idKey") {
      if (!value.is_string()) throw Error(Code::InvalidArgument, "idKey must be a string", {{"idKey", value}});
      options.id_key = value.get<std::string>();
    } else if (name == "rules") {
      if (!value.is_object()) throw Error(Code::InvalidArgument, "rules must map pointer patterns to rules");
      for (const auto& [pattern, rule] : value.items()) {
        Pointer::parse(pattern);
        options.rules.emplace_back(pattern, rule_from_json(pattern, rule));
      }
    } else if (name == "maxDepth") {
      if (!value.is_number_integer() || value.get<std::int64_t>() < 1 || value.get<std::int64_t>() > 100000)
        throw Error(Code::InvalidArgument, "maxDepth must be a whole number from 1 to 100000", {{"maxDepth", value}});
      options.max_depth = value.get<std::size_t>();
    } else {
      throw Error(Code::InvalidArgument, "unknown merge option '" + name + "'", {{"option", name}});
    }
  }
  return options;
}

std::string_view conflict_kind_name(Conflict::Kind kind) noexcept {
  switch (kind) {
    case Conflict::Kind::BothModified:
      return "both_modified";
    case Conflict::Kind::ModifyDelete:
      return "modify_delete";
    case Conflict::Kind::DeleteModify:
      return "delete_modify";
    case Conflict::Kind::BothAdded:
      return "both_added";
    case Conflict::Kind::TypeChanged:
      return "type_changed";
    case Conflict::Kind::Move:
      return "move";
    case Conflict::Kind::Sequence:
      return "sequence";
    case Conflict::Kind::Text:
      return "text";
  }
  return "both_modified";
}

Document Conflict::to_json() const {
  Document out = {{"path", path}, {"kind", std::string(conflict_kind_name(kind))}};
  if (base) out["base"] = *base;
  if (mine) out["mine"] = *mine;
  if (theirs) out["theirs"] = *theirs;
  if (!ranges.is_null()) out["ranges"] = ranges;
  if (!in_merged) out["inMerged"] = false;
  return out;
}

Conflict Conflict::from_json(const Document& wire) {
  const auto malformed = [&wire]() {
    return Error(Code::InvalidArgument, "A conflict is {path, kind, base?, mine?, theirs?, ranges?, inMerged?}",
                 {{"conflict", wire}});
  };
  if (!wire.is_object() || !wire.contains("path") || !wire["path"].is_string() || !wire.contains("kind"))
    throw malformed();
  Conflict c;
  c.path = wire["path"].get<std::string>();
  Pointer::parse(c.path);
  bool known_kind = false;
  for (const auto kind : {Kind::BothModified, Kind::ModifyDelete, Kind::DeleteModify, Kind::BothAdded,
                          Kind::TypeChanged, Kind::Move, Kind::Sequence, Kind::Text}) {
    if (wire["kind"] == conflict_kind_name(kind)) {
      c.kind = kind;
      known_kind = true;
    }
  }
  if (!known_kind) throw malformed();
  const auto side = [&wire](const char* name) {
    const auto it = wire.find(name);
    return it == wire.end() ? std::nullopt : std::optional<Document>(*it);
  };
  c.base = side("base");
  c.mine = side("mine");
  c.theirs = side("theirs");
  c.ranges = wire.value("ranges", Document());
  c.in_merged = wire.value("inMerged", true);
  if (c.kind == Kind::Sequence &&
      !(c.ranges.contains("merged") && c.ranges["merged"].is_array() && c.ranges["merged"].size() == 2 &&
        c.ranges["merged"][0].is_number_unsigned() && c.ranges["merged"][1].is_number_unsigned()))
    throw malformed();
  return c;
}

Document MergeResult::to_json() const& { return MergeResult(*this).to_json(); }

Document MergeResult::to_json() && {
  Document conflict_list = Document::array();
  for (const auto& c : conflicts) conflict_list.push_back(c.to_json());
  Document out = Document::object();
  out["merged"] = std::move(merged);
  out["conflicts"] = std::move(conflict_list);
  out["clean"] = clean();
  out["stats"] = {{"valuesVisited", stats.values_visited},
                  {"identityArrays", stats.identity_arrays},
                  {"sequenceArrays", stats.sequence_arrays}};
  return out;
}

MergeResult MergeResult::from_json(const Document& wire) {
  if (!wire.is_object() || !wire.contains("merged") || !wire.contains("conflicts") || !wire["conflicts"].is_array())
    throw Error(Code::InvalidArgument, "A merge result is {merged, conflicts: [...]}");
  MergeResult result;
  result.merged = wire["merged"];
  for (const auto& conflict : wire["conflicts"]) result.conflicts.push_back(Conflict::from_json(conflict));
  return result;
}

MergeResult merge(const Document& base, const Document& mine, const Document& theirs, const MergeOptions& options) {
  return Merger(options, false).run(base, mine, theirs);
}

MergeResult merge(Document&& base, Document&& mine, Document&& theirs, const MergeOptions& options) {
  // One document passed twice cannot be taken apart twice.
  const bool distinct = &base != &mine && &mine != &theirs && &base != &theirs;
  return Merger(options, distinct).run(base, mine, theirs);
}

namespace detail {

MergeResult merge_within_depth(Document&& base, Document&& mine, Document&& theirs, const MergeOptions& options) {
  return Merger(options, true).run(base, mine, theirs, true);
}

}  // namespace detail

}  // namespace truce
