// merge_json promises the "document path" byte for byte: parse each text
// (errors naming their side), merge() the documents, print the result
// compactly. Its speed comes from copying identity-array items that are
// identical on all three sides as text, so every test here computes the
// document path itself and compares everything the contract names: merged
// bytes, conflicts, stats and errors. Where the shortcut must (or must not)
// apply, items_copied_as_text is checked too: a shortcut that silently never
// runs would pass every equality check.
#include "truce/merge_json.hpp"
#include "adapters.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "truce/error.hpp"
#include "truce/json.hpp"
#include "truce/merge.hpp"

namespace truce {
namespace {

using Texts = std::array<std::string, 3>;  // base, mine, theirs
constexpr std::array<const char*, 3> kSides{"base", "mine", "theirs"};

// ---- the two paths, as comparable outcomes ---------------------------------

// Everything the contract says must agree, as one document: a mismatch then
// prints as two JSON texts, and comparing their bytes is stricter than
// comparing documents (1 and 1.0 differ, and so does member order).
Document error_outcome(const Error& error) {
  return {{"error",
           {{"code", std::string(error.code_name())}, {"message", error.message()}, {"details", error.details()}}}};
}

Document merge_outcome(const std::string& merged_text, const std::vector<Conflict>& conflicts,
                       const MergeStats& stats) {
  Document conflict_list = Document::array();
  for (const Conflict& conflict : conflicts) conflict_list.push_back(conflict.to_json());
  return {{"merged", merged_text},
          {"conflicts", std::move(conflict_list)},
          {"stats",
           {{"valuesVisited", stats.values_visited},
            {"identityArrays", stats.identity_arrays},
            {"sequenceArrays", stats.sequence_arrays}}}};
}

// Anything but a truce::Error breaks the contract; kept as an outcome so that
// the failing case is still printed.
Document unexpected_outcome(const std::exception& exception) { return {{"unexpected exception", exception.what()}}; }

// parse_json, with the error naming the side it came from.
Document parse_side(const Texts& texts, std::size_t side, const ParseLimits& limits) {
  try {
    return parse_json(texts[side], limits);
  } catch (const Error& error) {
    Document details = error.details();
    details["side"] = kSides[side];
    throw Error(error.code(), std::string(kSides[side]) + ": " + error.message(), std::move(details));
  }
}

Document document_path(const Texts& texts, const MergeOptions& options, const ParseLimits& limits) {
  try {
    // Every size first, so that no text is read when any is too large.
    for (std::size_t side = 0; side < texts.size(); ++side) {
      if (texts[side].size() > limits.max_bytes) parse_side(texts, side, limits);
    }
    std::array<Document, 3> documents;
    for (std::size_t side = 0; side < texts.size(); ++side) documents[side] = parse_side(texts, side, limits);
    MergeResult result = merge(std::move(documents[0]), std::move(documents[1]), std::move(documents[2]), options);
    return merge_outcome(to_json_text(result.merged), result.conflicts, result.stats);
  } catch (const Error& error) {
    return error_outcome(error);
  } catch (const std::exception& exception) {
    return unexpected_outcome(exception);
  }
}

struct TextPathRun {
  Document outcome;
  std::size_t items_copied = 0;
};

TextPathRun text_path(const Texts& texts, const MergeOptions& options, const ParseLimits& limits) {
  try {
    const JsonMergeResult result = merge_json(texts[0], texts[1], texts[2], options, limits);
    if (result.clean() != result.conflicts.empty()) throw std::logic_error("clean() disagrees with conflicts");
    return {merge_outcome(result.merged_text, result.conflicts, result.stats), result.items_copied_as_text};
  } catch (const Error& error) {
    return {error_outcome(error), 0};
  } catch (const std::exception& exception) {
    return {unexpected_outcome(exception), 0};
  }
}

// A text as a C++ string literal (octal escapes, which never swallow the
// next character), so a failing case can be pasted into a test as it is.
std::string literal(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte >= 0x20 && byte < 0x7f) {
      out += c;
    } else {
      out += '\\';
      for (const int shift : {6, 3, 0}) out += static_cast<char>('0' + ((byte >> shift) & 7));
    }
  }
  return out + "\"";
}

std::string describe_limits(const ParseLimits& limits) {
  const ParseLimits defaults;
  std::string out;
  const auto field = [&](const char* name, std::size_t value, std::size_t default_value) {
    if (value != default_value) out += std::string(" ") + name + "=" + std::to_string(value);
  };
  field("max_depth", limits.max_depth, defaults.max_depth);
  field("max_bytes", limits.max_bytes, defaults.max_bytes);
  field("max_string_bytes", limits.max_string_bytes, defaults.max_string_bytes);
  field("max_key_bytes", limits.max_key_bytes, defaults.max_key_bytes);
  field("max_array_items", limits.max_array_items, defaults.max_array_items);
  field("max_object_members", limits.max_object_members, defaults.max_object_members);
  return out.empty() ? " (defaults)" : out;
}

struct BothPaths {
  Document text_path_outcome, document_path_outcome;
  std::size_t items_copied = 0;
  std::string inputs;  // the case, printable
};

// Both paths on one case; `options_shown` is what a failure prints of the options.
BothPaths run_both_paths(const Texts& texts, const MergeOptions& options, const ParseLimits& limits,
                         const std::string& options_shown) {
  TextPathRun text_run = text_path(texts, options, limits);
  std::string inputs;
  for (std::size_t side = 0; side < texts.size(); ++side) {
    inputs += kSides[side];
    inputs += ": ";
    inputs += literal(texts[side]);
    inputs += '\n';
  }
  inputs += "options: " + options_shown + "\nlimits:" + describe_limits(limits) + "\n";
  return {std::move(text_run.outcome), document_path(texts, options, limits), text_run.items_copied, std::move(inputs)};
}

// The same, with the options in their wire form.
BothPaths run_both(const Texts& texts, const Document& options = Document::object(), const ParseLimits& limits = {}) {
  return run_both_paths(texts, MergeOptions::from_json(options), limits, to_json_text(options));
}

::testing::AssertionResult same_as_document_path(const BothPaths& run) {
  const std::string text_path_text = to_json_text(run.text_path_outcome);
  const std::string document_path_text = to_json_text(run.document_path_outcome);
  if (text_path_text == document_path_text) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "merge_json and the document path disagree on\n"
                                       << run.inputs << "merge_json:    " << text_path_text
                                       << "\ndocument path: " << document_path_text;
}

Document options_from(std::string_view wire) { return parse_json(wire); }

// Copies, so that a missing member reads as null instead of tripping
// nlohmann's assertion on const access.
Document error_details(const BothPaths& run) {
  return run.text_path_outcome.contains("error") ? run.text_path_outcome["error"]["details"] : Document();
}

Document conflicts_of(const BothPaths& run) { return run.text_path_outcome.value("conflicts", Document::array()); }

std::string error_code(const BothPaths& run) {
  return run.text_path_outcome.contains("error") ? run.text_path_outcome["error"]["code"].get<std::string>() : "";
}

// ---- random cases ------------------------------------------------------------

struct RandomCase {
  Texts texts;
  Document options = Document::object();
  ParseLimits limits;
};

// FNV-1a: a stable seed from an item's text, so that the three sides make the
// same random choices for the same item.
std::uint64_t fingerprint(std::string_view text) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

template <class Rng>
bool chance(Rng& rng, double probability) {
  return std::bernoulli_distribution(probability)(rng);
}

template <class Rng>
int pick(Rng& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

template <class Rng, class T, std::size_t N>
const T& one_of(Rng& rng, const std::array<T, N>& choices) {
  return choices[static_cast<std::size_t>(pick(rng, 0, static_cast<int>(N) - 1))];
}

// Writes a document as text the compact printer would not write: whitespace,
// escapes it never uses (\/, \u0041, uppercase hex), numbers spelled
// otherwise (1e0, 10.50, -0), and repeated member names. Each opportunity is
// taken by chance, so some "quirky" texts come out in the printer's form.
template <class Rng>
class QuirkyWriter {
 public:
  explicit QuirkyWriter(Rng& rng) : rng_(rng) {}

  void write(const Document& value, std::string& out) {
    space(out);
    switch (value.type()) {
      case Document::value_t::object: {
        out += '{';
        bool first = true;
        for (const auto& [name, member] : value.items()) {
          if (!first) out += ',';
          first = false;
          // A repeated name: parsing keeps the last value, at the first position.
          if (chance(rng_, 0.05)) {
            write_member(name, Document(pick(rng_, 0, 9)), out);
            out += ',';
          }
          write_member(name, member, out);
        }
        space(out);
        out += '}';
        break;
      }
      case Document::value_t::array: {
        out += '[';
        for (std::size_t i = 0; i < value.size(); ++i) {
          if (i > 0) out += ',';
          write(value[i], out);
        }
        space(out);
        out += ']';
        break;
      }
      case Document::value_t::string:
        write_string(value.get_ref<const std::string&>(), out);
        break;
      case Document::value_t::number_integer:
      case Document::value_t::number_unsigned:
      case Document::value_t::number_float:
        write_number(value, out);
        break;
      default:
        out += to_json_text(value);
    }
    space(out);
  }

  void space(std::string& out) {
    static constexpr std::array<const char*, 4> kSpaces{" ", "\n", "\t", "\r\n  "};
    if (chance(rng_, 0.1)) out += one_of(rng_, kSpaces);
  }

  void write_string(const std::string& text, std::string& out) {
    out += '"';
    for (const char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (c == '/' && chance(rng_, 0.5)) {
        out += "\\/";
      } else if (byte < 0x20) {
        const char* short_escape = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : nullptr;
        if (short_escape != nullptr && chance(rng_, 0.5))
          out += short_escape;
        else
          hex_escape(byte, out);
      } else if (byte < 0x80 && chance(rng_, 0.1)) {
        hex_escape(byte, out);
      } else {
        out += c;
      }
    }
    out += '"';
  }

 private:
  void write_member(const std::string& name, const Document& member, std::string& out) {
    space(out);
    write_string(name, out);
    space(out);
    out += ':';
    write(member, out);
  }

  void hex_escape(unsigned char byte, std::string& out) {
    const char* digits = chance(rng_, 0.5) ? "0123456789abcdef" : "0123456789ABCDEF";
    out += "\\u00";
    out += digits[byte >> 4];
    out += digits[byte & 15];
  }

  void write_number(const Document& number, std::string& out) {
    const std::string text = to_json_text(number);
    if (!chance(rng_, 0.3)) {
      out += text;
      return;
    }
    const bool has_exponent = text.find_first_of("eE") != std::string::npos;
    if (number.is_number_float()) {
      if (has_exponent)
        out += text.substr(0, text.find('e')) + "E" + text.substr(text.find('e') + 1);  // 1E+21
      else if (chance(rng_, 0.5))
        out += text + "0";  // 10.50
      else
        out += text + "e0";
    } else if (text == "0" && chance(rng_, 0.5)) {
      out += "-0";
    } else {
      static constexpr std::array<const char*, 4> kSuffixes{".0", "e0", "E+0", ".00"};
      out += text + one_of(rng_, kSuffixes);
    }
  }

  Rng& rng_;
};

// Board-like documents (tasks, columns, meta.list: arrays of objects with ids,
// some with nested arrays of their own), edits a user could make and some no
// user should (duplicate ids, ids that are numbers, arrays replaced by
// scalars), and their texts, mostly in the printer's form item by item so
// that most items are copied, with whole sides or single items written
// otherwise.
class RandomBoards {
 public:
  explicit RandomBoards(std::uint32_t seed) : rng_(seed) {}

  RandomCase next() {
    with_sku_ = chance(rng_, 0.5);
    const Document base = board();
    std::array<Document, 3> sides{base, base, base};
    for (std::size_t side = 1; side < sides.size(); ++side) {
      next_fresh_id_ = 100;  // the same fresh ids on both sides: both-added items
      const int edits = chance(rng_, 0.2) ? 0 : pick(rng_, 1, 4);
      for (int i = 0; i < edits; ++i) edit(sides[side]);
    }
    if (chance(rng_, 0.1)) sides[2] = sides[1];  // both sides made the same edits

    RandomCase out;
    // Quirks shared by all three sides, decided per item from its text: items
    // byte-identical everywhere, yet not in the printer's form.
    shared_seed_ = rng_();
    shared_item_quirks_ = chance(rng_, 0.5) ? 0.0 : 0.2;
    for (std::size_t side = 0; side < sides.size(); ++side) out.texts[side] = write_side(sides[side]);
    if (chance(rng_, 0.05)) break_a_text(out.texts);
    out.options = random_options();
    if (chance(rng_, 0.12)) out.limits = random_limits(out.texts);
    return out;
  }

 private:
  // ---- documents ---------------------------------------------------------

  std::string random_text() {
    static constexpr std::array<const char*, 16> kFragments{
        "plain", "two words", "a/b",  "say \"hi\"",  "back\\slash",  "tab\there",        "line\nbreak",
        "\x01",  "\x1f",      "\x7f", "caf\xc3\xa9", "\xe6\x97\xa5", "\xf0\x9f\x99\x82", "A",
        "",      "0"};
    std::string text;
    for (int i = pick(rng_, 1, 3); i > 0; --i) text += one_of(rng_, kFragments);
    if (chance(rng_, 0.05)) text += std::string(static_cast<std::size_t>(pick(rng_, 10, 40)), 'x');
    return text;
  }

  Document random_number() {
    static constexpr std::array<double, 9> kDoubles{0.5, 10.5, 1e21, 1e-7, -0.0, 3.25, 1.0, 100.0, 1.5e300};
    switch (pick(rng_, 0, 5)) {
      case 0:
        return 0;
      case 1:
        return pick(rng_, -5, -1);
      case 2:
        return one_of(rng_, kDoubles);
      case 3:
        return chance(rng_, 0.5) ? Document(18446744073709551615ULL) : Document(INT64_MIN);
      default:
        return pick(rng_, 1, 100);
    }
  }

  Document item(const std::string& prefix, int number) {
    Document item = {{"id", prefix + std::to_string(number)}, {"title", random_text()}, {"n", random_number()}};
    if (chance(rng_, 0.05)) {  // the id last
      Document id = item["id"];
      item.erase("id");
      item["id"] = std::move(id);
    }
    if (with_sku_) item["sku"] = "k" + std::to_string(number);
    if (chance(rng_, 0.3)) {
      Document tags = Document::array();
      static constexpr std::array<const char*, 3> kTags{"red", "green", "blue"};
      for (int i = pick(rng_, 0, 3); i > 0; --i) tags.push_back(one_of(rng_, kTags));
      item["tags"] = std::move(tags);
    }
    if (chance(rng_, 0.2)) item["sub"] = items("s", pick(rng_, 1, 3));
    if (chance(rng_, 0.1)) item["done"] = chance(rng_, 0.5);
    if (chance(rng_, 0.1)) item["note"] = nullptr;
    if (chance(rng_, 0.03)) item[""] = "an empty member name";
    if (chance(rng_, 0.05)) item["deep"] = {{"a", {{"b", Document::array({Document::array({1})})}}}};
    return item;
  }

  Document items(const std::string& prefix, int count) {
    Document out = Document::array();
    for (int i = 0; i < count; ++i) out.push_back(item(prefix, i));
    return out;
  }

  Document board() {
    if (chance(rng_, 0.1)) return items("t", pick(rng_, 0, 8));
    Document root = Document::object();
    root["id"] = "board";
    root["title"] = random_text();
    // Now and then more items than the id tables' first size.
    root["tasks"] = items("t", chance(rng_, 0.05) ? pick(rng_, 20, 60) : pick(rng_, 0, 10));
    if (chance(rng_, 0.5)) {
      root["columns"] = items("c", pick(rng_, 0, 4));
    } else {
      root["columns"] = Document::array({"todo", "done"});
    }
    root["meta"] = {{"name", random_text()}, {"list", items("m", pick(rng_, 0, 4))}};
    return root;
  }

  // The arrays reached from the root through object members only: where
  // merge_json may copy items.
  static std::vector<Document*> item_arrays(Document& root) {
    std::vector<Document*> out;
    if (root.is_array()) out.push_back(&root);
    if (!root.is_object()) return out;
    for (const char* name : {"tasks", "columns"}) {
      if (root.contains(name) && root[name].is_array()) out.push_back(&root[name]);
    }
    if (root.contains("meta") && root["meta"].is_object() && root["meta"].contains("list") &&
        root["meta"]["list"].is_array())
      out.push_back(&root["meta"]["list"]);
    return out;
  }

  std::size_t index_in(const Document& array) {
    return static_cast<std::size_t>(pick(rng_, 0, static_cast<int>(array.size()) - 1));
  }

  void edit(Document& root) {
    const std::vector<Document*> arrays = item_arrays(root);
    if (arrays.empty() || chance(rng_, 0.15)) return edit_outside_arrays(root);
    Document& array = *arrays[static_cast<std::size_t>(pick(rng_, 0, static_cast<int>(arrays.size()) - 1))];
    const int kind = pick(rng_, 0, 11);
    if (kind == 0 || array.empty()) {  // insert
      array.insert(array.begin() + pick(rng_, 0, static_cast<int>(array.size())), item("t", next_fresh_id_++));
      return;
    }
    Document& chosen = array[index_in(array)];
    switch (kind) {
      case 1:  // delete
        array.erase(index_in(array));
        break;
      case 2: {  // move
        const std::size_t from = index_in(array);
        Document moved = array[from];
        array.erase(from);
        array.insert(array.begin() + pick(rng_, 0, static_cast<int>(array.size())), std::move(moved));
        break;
      }
      case 3:  // a duplicate id
        if (chosen.is_object() && array[0].is_object() && array[0].contains("id")) chosen["id"] = array[0]["id"];
        break;
      case 4:  // an id that is a number, or empty
        if (chosen.is_object()) chosen["id"] = chance(rng_, 0.8) ? Document(pick(rng_, 0, 3)) : Document("");
        break;
      case 5:  // no id
        if (chosen.is_object()) chosen.erase("id");
        break;
      case 6:  // an item that is no object
        chosen = random_number();
        break;
      case 7:  // the whole array replaced
        array = chance(rng_, 0.5) ? Document("gone") : Document::object();
        break;
      case 8:  // nested arrays inside the item
        if (chosen.is_object()) {
          if (chosen.contains("sub") && chosen["sub"].is_array() && !chosen["sub"].empty()) {
            chosen["sub"][0]["v"] = random_number();
          } else {
            chosen["tags"] = Document::array({"red"});
          }
        }
        break;
      default:  // a field edited
        if (chosen.is_object()) {
          static constexpr std::array<const char*, 4> kFields{"title", "n", "extra", "done"};
          const char* field = one_of(rng_, kFields);
          chosen[field] = chance(rng_, 0.5) ? random_number() : Document(random_text());
        }
    }
  }

  void edit_outside_arrays(Document& root) {
    if (!root.is_object()) {
      root = {{"was", "an array"}};
      return;
    }
    switch (pick(rng_, 0, 3)) {
      case 0:
        root["title"] = random_text();
        break;
      case 1:
        if (root.contains("meta") && root["meta"].is_object()) root["meta"]["name"] = random_text();
        break;
      case 2:
        root.erase("columns");
        break;
      default:
        root["added"] = random_number();
    }
  }

  // ---- texts ---------------------------------------------------------------

  // How one side's text differs from the printer's, outside the items the
  // three sides share quirks for.
  struct SideStyle {
    double item_quirks = 0;     // items written quirkily on this side alone
    double repeated_names = 0;  // members on the path written twice
    bool quirky_path = false;   // whitespace and escapes around the path's names
  };

  std::string write_side(const Document& side) {
    if (chance(rng_, 0.05)) return to_json_text(side, 2);  // pretty-printed throughout
    SideStyle style;
    style.item_quirks = chance(rng_, 0.7) ? 0.0 : 0.1;
    style.repeated_names = chance(rng_, 0.9) ? 0.0 : 0.15;
    style.quirky_path = chance(rng_, 0.1);
    std::string out;
    QuirkyWriter<std::mt19937> path_writer(rng_);
    write_path(side, style, path_writer, out);
    return out;
  }

  // The part of the document merge_json looks at by path: objects from the
  // root down, and the arrays they hold, item by item.
  void write_path(const Document& value, const SideStyle& style, QuirkyWriter<std::mt19937>& path_writer,
                  std::string& out) {
    const auto space = [&] {
      if (style.quirky_path) path_writer.space(out);
    };
    if (value.is_object()) {
      out += '{';
      bool first = true;
      for (const auto& [name, member] : value.items()) {
        if (!first) out += ',';
        first = false;
        // A member twice, the same value or a scalar before or after it:
        // the document keeps the last one, the text holds both.
        const bool repeated = chance(rng_, style.repeated_names);
        const int repeat_at = pick(rng_, 0, 1);
        const Document repeat_value = chance(rng_, 0.5) ? member : Document(0);
        for (int copy = 0; copy < (repeated ? 2 : 1); ++copy) {
          if (copy > 0) out += ',';
          space();
          if (style.quirky_path)
            path_writer.write_string(name, out);
          else
            out += to_json_text(Document(name));
          space();
          out += ':';
          space();
          write_path(repeated && copy == repeat_at ? repeat_value : member, style, path_writer, out);
          space();
        }
      }
      out += '}';
    } else if (value.is_array()) {
      out += '[';
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (i > 0) out += ',';
        space();
        write_item(value[i], style.item_quirks, out);
        space();
      }
      out += ']';
    } else {
      out += to_json_text(value);
    }
  }

  void write_item(const Document& item, double own_item_quirks, std::string& out) {
    const std::string printed = to_json_text(item);
    std::mt19937_64 shared(shared_seed_ ^ fingerprint(printed));
    if (chance(shared, shared_item_quirks_)) {
      QuirkyWriter<std::mt19937_64>(shared).write(item, out);
    } else if (chance(rng_, own_item_quirks)) {
      QuirkyWriter<std::mt19937>(rng_).write(item, out);
    } else {
      out += printed;
    }
  }

  void break_a_text(Texts& texts) {
    std::string& text = texts[static_cast<std::size_t>(pick(rng_, 0, 2))];
    const auto somewhere = [&] { return static_cast<std::size_t>(pick(rng_, 0, static_cast<int>(text.size()))); };
    switch (pick(rng_, 0, 3)) {
      case 0:
        text.resize(somewhere());
        break;
      case 1:
        text.insert(somewhere(), 1, ',');
        break;
      case 2:  // invalid UTF-8 inside the first string
        if (const std::size_t quote = text.find('"'); quote != std::string::npos) text.insert(quote + 1, "\xff");
        break;
      default:  // a number no double holds
        if (!text.empty() && text[0] == '{') text.insert(1, "\"huge\":1e400,");
    }
  }

  Document random_options() {
    static constexpr std::array<const char*, 3> kOnConflict{"report", "mine", "theirs"};
    static constexpr std::array<const char*, 16> kRules{
        R"({"/tasks":"atomic"})",         R"({"/tasks":{"idKey":"sku"}})", R"({"/tasks/*":"mine"})",
        R"({"/tasks/*":"theirs"})",       R"({"/tasks/*/tags":"set"})",    R"({"":"atomic"})",
        R"({"/meta":"theirs"})",          R"({"/meta":"atomic"})",         R"({"/*":"atomic"})",
        R"({"/meta/list":"set"})",        R"({"/tasks/*/n":"counter"})",   R"({"/tasks/*/title":"text"})",
        R"({"/title":{"text":"words"}})", R"({"":{"idKey":"sku"}})",       R"({"/tasks/*/sub":"atomic"})",
        R"({"/columns":"theirs"})"};
    Document options = {{"onConflict", one_of(rng_, kOnConflict)}};
    const int id_key = pick(rng_, 0, 9);
    if (id_key == 0)
      options["idKey"] = "";
    else if (id_key == 1)
      options["idKey"] = "sku";
    Document rules = Document::object();
    for (int i = pick(rng_, 0, 2); i > 0; --i) rules.update(parse_json(one_of(rng_, kRules)));
    if (!rules.empty()) options["rules"] = std::move(rules);
    if (chance(rng_, 0.15)) options["maxDepth"] = pick(rng_, 1, 7);
    return options;
  }

  ParseLimits random_limits(const Texts& texts) {
    ParseLimits limits;
    switch (pick(rng_, 0, 5)) {
      case 0:
        limits.max_bytes = texts[static_cast<std::size_t>(pick(rng_, 0, 2))].size() - 1;
        break;
      case 1:
        limits.max_string_bytes = static_cast<std::size_t>(pick(rng_, 0, 12));
        break;
      case 2:
        limits.max_key_bytes = static_cast<std::size_t>(pick(rng_, 0, 4));
        break;
      case 3:
        limits.max_depth = static_cast<std::size_t>(pick(rng_, 1, 5));
        break;
      case 4:
        limits.max_array_items = static_cast<std::size_t>(pick(rng_, 0, 6));
        break;
      default:
        limits.max_object_members = static_cast<std::size_t>(pick(rng_, 1, 6));
    }
    return limits;
  }

  std::mt19937 rng_;
  bool with_sku_ = false;
  int next_fresh_id_ = 100;
  std::uint64_t shared_seed_ = 0;
  double shared_item_quirks_ = 0;
};

TEST(MergeJsonProperty, AgreesWithTheDocumentPathOnRandomBoards) {
  constexpr std::uint32_t kFirstSeed = 20250101;
  constexpr int kCases = 6000;
  constexpr int kFailuresShown = 3;
  int failures = 0, copied = 0, copied_with_conflicts = 0, errors = 0;
  for (int i = 0; i < kCases; ++i) {
    const std::uint32_t seed = kFirstSeed + static_cast<std::uint32_t>(i);
    const RandomCase random = RandomBoards(seed).next();
    const BothPaths run = run_both(random.texts, random.options, random.limits);
    if (const auto agreed = same_as_document_path(run); !agreed) {
      if (++failures <= kFailuresShown) ADD_FAILURE() << "seed " << seed << ": " << agreed.message();
      continue;
    }
    copied += run.items_copied > 0;
    copied_with_conflicts += run.items_copied > 0 && !conflicts_of(run).empty();
    errors += run.text_path_outcome.contains("error");
  }
  EXPECT_EQ(failures, 0) << "cases where merge_json and the document path disagree (first " << kFailuresShown
                         << " shown above)";
  // The generator must keep exercising the shortcut, its conflicts and its errors.
  EXPECT_GT(copied, kCases / 4);
  EXPECT_GT(copied_with_conflicts, kCases / 40);
  EXPECT_GT(errors, kCases / 50);
}

// ---- targeted cases ----------------------------------------------------------

// An item in the printer's form: {"id":"t<n>","title":"Task <n>","n":<n>}, plus `more` members.
std::string task(int number, std::string_view more = "") {
  const std::string n = std::to_string(number);
  std::string text = R"({"id":"t)" + n + R"(","title":"Task )" + n + R"(","n":)" + n;
  if (!more.empty()) text += std::string(",") + std::string(more);
  return text + "}";
}

std::vector<std::string> tasks(int count) {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) out.push_back(task(i));
  return out;
}

std::string json_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += items[i];
  }
  return out + "]";
}

// {"id":"board", <more>, "tasks":[items]}
std::string board(const std::vector<std::string>& items, std::string_view more = "") {
  std::string text = R"({"id":"board",)";
  if (!more.empty()) text += std::string(more) + ",";
  return text + R"("tasks":)" + json_array(items) + "}";
}

std::vector<std::string> replaced(std::vector<std::string> items, std::size_t at, std::string item) {
  items[at] = std::move(item);
  return items;
}

// Both sides edit the board outside the tasks, so the merge descends to them.
Texts untouched_tasks(const std::vector<std::string>& items) {
  return {board(items), board(items, R"("mine":1)"), board(items, R"("theirs":2)")};
}

TEST(MergeJson, UntouchedBoardCopiesEveryTopLevelItem) {
  // Items hold identity arrays of their own (/tasks/0/sub): those are never
  // indexed, so only the top-level items count.
  const std::string sub = R"("sub":[{"id":"s0","v":1},{"id":"s1","v":2}])";
  const std::vector<std::string> items{task(0, sub), task(1), task(2, sub), task(3)};
  const std::string meta = R"("meta":{"name":"m","list":[{"id":"m0"},{"id":"m1","x":[1,2]}]})";
  const std::string text = board(items, meta);

  const BothPaths same_everywhere = run_both({text, text, text});
  EXPECT_TRUE(same_as_document_path(same_everywhere));
  EXPECT_EQ(same_everywhere.items_copied, 6U);

  const std::string columns = R"("columns":["todo","done"])";
  const BothPaths edited_around =
      run_both({text, board(items, meta + ",\"mine\":1"), board(items, columns + "," + meta)});
  EXPECT_TRUE(same_as_document_path(edited_around));
  EXPECT_EQ(edited_around.items_copied, 6U);
}

TEST(MergeJson, ItemsEditedOnEitherSideAreMergedTheRestCopied) {
  const std::vector<std::string> base = tasks(6);
  std::vector<std::string> mine = replaced(base, 1, task(1, R"("done":true)"));
  mine.erase(mine.begin() + 4);
  std::vector<std::string> theirs = replaced(base, 3, task(3, R"("owner":"ann")"));
  theirs.push_back(task(9));
  const BothPaths run = run_both({board(base), board(mine), board(theirs)});
  EXPECT_TRUE(same_as_document_path(run));
  EXPECT_EQ(run.items_copied, 3U);  // t0, t2, t5
}

TEST(MergeJson, ItemsMovedInsertedOrDeletedFarApartAreStillFoundAndCopied) {
  // Mine and theirs are read against base, taking an item whole when its text
  // is base's next one: after a move, an insertion or a long deletion, whether
  // the reading finds its place again (speed) or not, it must never take an
  // item for another.
  const std::vector<std::string> base = tasks(40);
  std::vector<std::string> mine = base;
  std::rotate(mine.begin() + 5, mine.begin() + 6, mine.begin() + 30);  // t5 moved near the end
  mine.erase(mine.begin() + 31, mine.begin() + 39);                     // eight deleted in a row
  std::vector<std::string> theirs = base;
  for (int i = 0; i < 12; ++i) theirs.insert(theirs.begin() + 10, task(100 + i));  // twelve added in a row
  theirs[0] = task(0, R"("owner":"ann")");
  const BothPaths run = run_both({board(base), board(mine), board(theirs)});
  EXPECT_TRUE(same_as_document_path(run));
  EXPECT_EQ(run.items_copied, 31U);  // 40, less t0 (edited) and the eight mine deleted
}

TEST(MergeJson, ItemsInThePrintersFormAreCopiedHoweverOddTheyLook) {
  for (const char* more :
       {R"("s":"q\"b\\n\nt\tc\u001fu\u0000")", "\"s\":\"caf\xc3\xa9\xf0\x9f\x99\x82\x7f\"", R"("f":1.0)",
        R"("f":1e+21)", R"("f":1e-07)", R"("f":-0.0)", R"("f":0.1)", R"("u":18446744073709551615)",
        R"("i":-9223372036854775808)", R"("s":"")", R"("a":[[],{},[{"x":null}]])", R"("":true)",
        R"("o":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10})"}) {
    SCOPED_TRACE(more);
    const BothPaths run = run_both(untouched_tasks({task(0), task(1, more), task(2)}));
    EXPECT_TRUE(same_as_document_path(run));
    EXPECT_EQ(run.items_copied, 3U);
  }
}

TEST(MergeJson, ItemsNotInThePrintersFormAreParsedNotCopied) {
  // Byte-identical on all three sides, so only the form keeps them from being
  // copied: were they copied, the merged text would hold their spelling.
  for (const std::string& odd : {task(1, R"("s":"a\/b")"),
                                 task(1, R"("s":"\u0041")"),
                                 task(1, R"("s":"\u001F")"),
                                 task(1, R"("s":"\u00e9")"),
                                 task(1, R"("s":"\ud83d\ude42")"),
                                 task(1, R"("s":"\u000a")"),
                                 task(1, R"("f":1E5)"),
                                 task(1, R"("f":1e2)"),
                                 task(1, R"("f":-0)"),
                                 task(1, R"("f":10.50)"),
                                 task(1, R"("f":1e21)"),
                                 task(1, R"("f":123456789012345678901)"),
                                 task(1, R"("f":-0E0)"),
                                 std::string(R"({ "id":"t1"})"),
                                 std::string("{\"id\":\"t1\",\n\"n\":1}"),
                                 std::string(R"({"id":"t1","n":1 })"),
                                 std::string(R"({"id":"t1","n":[1, 2]})"),
                                 task(1, R"("x":{"a":1,"a":2})"),
                                 task(1, R"("x":[{"a":1,"b":2,"a":1}])"),
                                 task(1, R"("x":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"b":0})"),
                                 task(1, R"("x":{"ab":1,"ab":2})")}) {
    SCOPED_TRACE(odd);
    const BothPaths run = run_both(untouched_tasks({task(0), odd, task(2)}));
    EXPECT_TRUE(same_as_document_path(run));
    EXPECT_EQ(run.items_copied, 2U);
  }
}

TEST(MergeJson, WhitespaceBetweenItemsDoesNotStopCopying) {
  const std::string spaced = "{\"id\":\"board\", \"tasks\": [ " + task(0) + " ,\n\t" + task(1) + "\r\n] }";
  const BothPaths run = run_both({board(tasks(2)), spaced, board(tasks(2), R"("theirs":2)")});
  EXPECT_TRUE(same_as_document_path(run));
  EXPECT_EQ(run.items_copied, 2U);
}

TEST(MergeJson, RepeatedNameInsideAnItemKeepsItFromBeingCopied) {
  const BothPaths run = run_both(untouched_tasks({task(0), task(1, R"("n":5)"), task(2)}));
  EXPECT_TRUE(same_as_document_path(run));
  EXPECT_LT(run.items_copied, 3U);
}

// A board whose items would all be copied, but for the rule or the items.
void expect_nothing_copied(const Texts& texts, const Document& options = Document::object()) {
  const BothPaths run = run_both(texts, options);
  EXPECT_TRUE(same_as_document_path(run));
  EXPECT_EQ(run.items_copied, 0U);
}

TEST(MergeJson, RulesNamingTheArrayTurnTheShortcutOff) {
  const std::vector<std::string> base = tasks(4);
  const Texts texts{board(base), board(replaced(base, 1, task(1, R"("done":true)")), R"("mine":1)"),
                    board(replaced(base, 2, task(2, R"("done":false)")), R"("theirs":2)")};
  for (const char* rules :
       {R"({"rules":{"/tasks":"atomic"}})", R"({"rules":{"/tasks":{"idKey":"sku"}}})", R"({"rules":{"/tasks":"set"}})",
        R"({"rules":{"/*":"theirs"}})", R"({"rules":{"/tasks":"mine","/other":"atomic"}})"}) {
    SCOPED_TRACE(rules);
    expect_nothing_copied(texts, options_from(rules));
  }
}

TEST(MergeJson, RulesBelowOrBesideTheArrayLeaveTheShortcutOn) {
  const std::vector<std::string> base = replaced(tasks(4), 0, task(0, R"("tags":["a"])"));
  const Texts texts{board(base), board(replaced(base, 1, task(1, R"("done":true)")), R"("mine":1)"),
                    board(replaced(base, 2, task(2, R"("done":false)")), R"("theirs":2)")};
  for (const char* rules :
       {R"({"rules":{"/tasks/*":"mine"}})", R"({"rules":{"/tasks/*/tags":"set"}})", R"({"rules":{"/meta":"theirs"}})",
        R"({"rules":{"/tasks/*/n":"counter"}})", R"({"rules":{"/*/*":"atomic"}})"}) {
    SCOPED_TRACE(rules);
    const BothPaths run = run_both(texts, options_from(rules));
    EXPECT_TRUE(same_as_document_path(run));
    EXPECT_EQ(run.items_copied, 2U);
  }
}

TEST(MergeJson, ArraysTheMergeMightNotMatchByIdAreNotCopied) {
  const std::vector<std::string> base = tasks(4);
  const auto with_item_one = [&](const std::string& item) { return untouched_tasks(replaced(base, 1, item)); };
  {
    SCOPED_TRACE("a duplicate id in mine");
    expect_nothing_copied({board(base), board(replaced(base, 3, task(0))), board(base, R"("theirs":2)")});
  }
  {
    SCOPED_TRACE("a duplicate id on every side");
    expect_nothing_copied(untouched_tasks(replaced(base, 3, task(0))));
  }
  for (const std::string& item :
       {std::string(R"({"id":"t\u0031"})"), std::string(R"({"id":"t\/1"})"), std::string(R"({"id":1})"),
        std::string(R"({"title":"no id"})"), std::string(R"({"id":["t1"]})"), std::string(R"({"id":"t1","id":"t9"})"),
        std::string("7"), std::string("{}"), std::string(R"(["t1"])")}) {
    SCOPED_TRACE(item);
    expect_nothing_copied(with_item_one(item));
  }
  {
    SCOPED_TRACE("no idKey");
    expect_nothing_copied(untouched_tasks(base), options_from(R"({"idKey":""})"));
  }
  {
    SCOPED_TRACE("the array a scalar on one side");
    expect_nothing_copied({board(base), R"({"id":"board","tasks":"none"})", board(base, R"("theirs":2)")});
  }
}

TEST(MergeJson, AnotherIdKeyIsHonoured) {
  std::vector<std::string> items;
  items.reserve(3);
  for (int i = 0; i < 3; ++i) items.push_back(task(i, R"("sku":"k)" + std::to_string(i) + "\""));
  const BothPaths by_sku = run_both(untouched_tasks(items), options_from(R"({"idKey":"sku"})"));
  EXPECT_TRUE(same_as_document_path(by_sku));
  EXPECT_EQ(by_sku.items_copied, 3U);
  expect_nothing_copied(untouched_tasks(tasks(3)), options_from(R"({"idKey":"sku"})"));
}

TEST(MergeJson, IdsWithNonAsciiTextAreMatchedAsTheyAre) {
  const std::string caf = "{\"id\":\"caf\xc3\xa9\"}";
  const std::string emoji = "{\"id\":\"\xf0\x9f\x99\x82\",\"n\":1}";
  const BothPaths run = run_both(untouched_tasks({caf, emoji, task(2)}));
  EXPECT_TRUE(same_as_document_path(run));
  EXPECT_EQ(run.items_copied, 3U);
}

TEST(MergeJson, RootArrayOfItems) {
  const std::vector<std::string> base = tasks(5);
  std::vector<std::string> mine = replaced(base, 0, task(0, R"("done":true)"));
  std::vector<std::string> theirs = base;
  std::swap(theirs[2], theirs[4]);
  theirs.push_back(task(7));
  const BothPaths run = run_both({json_array(base), json_array(mine), json_array(theirs)});
  EXPECT_TRUE(same_as_document_path(run));
  EXPECT_EQ(run.items_copied, 4U);

  expect_nothing_copied({json_array(base), json_array(mine), json_array(theirs)},
                        options_from(R"({"rules":{"":"atomic"}})"));
}

TEST(MergeJson, ConflictValuesHoldTheCopiedItemsNotStubs) {
  const std::vector<std::string> base = tasks(4);
  const Texts texts{
      board(base, R"("meta":{"list":[{"id":"m0"},{"id":"m1"}]})"),
      board(replaced(base, 1, task(1, R"("done":true)")), R"("meta":{"list":[{"id":"m0"},{"id":"m1"}]})"),
      board(replaced(base, 2, task(2, R"("done":false)")), R"("meta":{"list":[{"id":"m0"},{"id":"m1"}]})")};
  for (const char* options : {R"({"rules":{"":"atomic"}})", R"({"rules":{"":"atomic"},"onConflict":"mine"})",
                              R"({"rules":{"":"atomic"},"onConflict":"theirs"})"}) {
    SCOPED_TRACE(options);
    const BothPaths run = run_both(texts, options_from(options));
    EXPECT_TRUE(same_as_document_path(run));
    EXPECT_EQ(run.items_copied, 4U);  // t0, t3, m0, m1
    // Spelled out, should the comparison above ever be loosened.
    const Document conflicts = conflicts_of(run);
    ASSERT_EQ(conflicts.size(), 1U);
    EXPECT_EQ(conflicts[0]["base"]["tasks"][0], parse_json(task(0)));
    EXPECT_EQ(conflicts[0]["theirs"]["meta"]["list"][1], parse_json(R"({"id":"m1"})"));
  }
}

TEST(MergeJson, SequenceConflictInsideAnItemBesideCopiedItems) {
  // A plain array inside an item conflicts (/tasks/0/sub); the items around
  // it are copied.
  const std::vector<std::string> base = {task(0, R"("sub":[1,2,3])"), task(1), task(2)};
  const Texts texts{board(base), board(replaced(base, 0, task(0, R"("sub":[1,9,3])")), R"("mine":1)"),
                    board(replaced(base, 0, task(0, R"("sub":[1,3])")), R"("theirs":2)")};
  const BothPaths run = run_both(texts);
  EXPECT_TRUE(same_as_document_path(run));
  EXPECT_EQ(run.items_copied, 2U);
}

TEST(MergeJson, MoveConflictAmongCopiedItems) {
  const std::vector<std::string> base = tasks(5);
  // t1 moved on both sides, after different items: where it goes conflicts.
  const std::vector<std::string> mine{task(0), task(2), task(3), task(1), task(4)};
  const std::vector<std::string> theirs{task(0), task(2), task(3), task(4), task(1)};
  for (const char* on_conflict : {"report", "mine"}) {
    SCOPED_TRACE(on_conflict);
    const BothPaths run = run_both({board(base), board(mine), board(theirs)}, Document{{"onConflict", on_conflict}});
    EXPECT_TRUE(same_as_document_path(run));
    EXPECT_EQ(run.items_copied, 5U);  // moved, but unchanged
    ASSERT_EQ(conflicts_of(run).size(), 1U);
    EXPECT_EQ(conflicts_of(run)[0]["kind"], "move");
  }
}

TEST(MergeJson, DeleteModifyConflictAmongCopiedItems) {
  const std::vector<std::string> base = tasks(5);
  std::vector<std::string> mine = base;
  mine.erase(mine.begin() + 2);
  const std::vector<std::string> theirs = replaced(base, 2, task(2, R"("done":true)"));
  for (const char* on_conflict : {"report", "mine", "theirs"}) {
    SCOPED_TRACE(on_conflict);
    const BothPaths run = run_both({board(base), board(mine), board(theirs)}, Document{{"onConflict", on_conflict}});
    EXPECT_TRUE(same_as_document_path(run));
    EXPECT_EQ(run.items_copied, 4U);
    ASSERT_EQ(conflicts_of(run).size(), 1U);
    EXPECT_EQ(conflicts_of(run)[0]["kind"], "delete_modify");
  }
}

TEST(MergeJson, DeeperThanMaxDepthFailsAsTheDocumentPathDoes) {
  // Depth 5 (board, tasks, item, deep, its array), all of it inside items
  // that would be copied: merge() must still see and refuse it.
  const std::vector<std::string> items = {task(0, R"("deep":{"a":[1]})"), task(1)};
  const Texts texts = untouched_tasks(items);
  const BothPaths too_deep = run_both(texts, options_from(R"({"maxDepth":4})"));
  EXPECT_TRUE(same_as_document_path(too_deep));
  EXPECT_EQ(error_code(too_deep), "LIMIT_EXCEEDED");

  const BothPaths only_theirs_too_deep =
      run_both({board(tasks(2)), board(tasks(2)), board(items)}, options_from(R"({"maxDepth":4})"));
  EXPECT_TRUE(same_as_document_path(only_theirs_too_deep));
  EXPECT_EQ(error_code(only_theirs_too_deep), "LIMIT_EXCEEDED");

  const BothPaths at_the_limit = run_both(texts, options_from(R"({"maxDepth":5})"));
  EXPECT_TRUE(same_as_document_path(at_the_limit));
  EXPECT_EQ(at_the_limit.items_copied, 2U);

  ParseLimits shallow_parse;
  shallow_parse.max_depth = 4;
  const BothPaths parse_too_deep = run_both(texts, Document::object(), shallow_parse);
  EXPECT_TRUE(same_as_document_path(parse_too_deep));
  EXPECT_EQ(error_details(parse_too_deep)["side"], "base");
}

TEST(MergeJson, MalformedMineIsReportedWithItsSideAndOffset) {
  const std::string base = board(tasks(3));
  for (const std::string& mine : {base.substr(0, base.size() - 2), board({task(0), task(1) + ",", task(2)}),
                                  board({task(0), task(1, R"("n":01)")})}) {
    SCOPED_TRACE(mine);
    const BothPaths run = run_both({base, mine, base});
    EXPECT_TRUE(same_as_document_path(run));
    EXPECT_EQ(error_code(run), "INVALID_JSON");
    EXPECT_EQ(error_details(run)["side"], "mine");
    EXPECT_TRUE(error_details(run).contains("offset"));
  }
}

TEST(MergeJson, OversizedTheirsIsRefusedBeforeAnyTextIsRead) {
  const std::string small = board(tasks(2));
  const std::string large = board(tasks(3));
  ParseLimits limits;
  limits.max_bytes = small.size();
  // Base is malformed too, but no text may be read before every size is checked.
  const BothPaths run = run_both({"{", small, large}, Document::object(), limits);
  EXPECT_TRUE(same_as_document_path(run));
  EXPECT_EQ(error_code(run), "LIMIT_EXCEEDED");
  EXPECT_EQ(error_details(run)["side"], "theirs");
  EXPECT_EQ(error_details(run)["limit"], "bytes");
}

TEST(MergeJson, LimitsInsideItemsThatWouldBeCopiedStillApply) {
  const Texts texts = untouched_tasks({task(0), task(1, R"("s":"a string of thirty-odd bytes")"), task(2)});
  ParseLimits short_strings;
  short_strings.max_string_bytes = 16;
  ParseLimits short_names;
  short_names.max_key_bytes = 3;
  ParseLimits few_members;
  few_members.max_object_members = 3;
  for (const ParseLimits& limits : {short_strings, short_names, few_members}) {
    SCOPED_TRACE(describe_limits(limits));
    const BothPaths run = run_both(texts, Document::object(), limits);
    EXPECT_TRUE(same_as_document_path(run));
    EXPECT_EQ(error_code(run), "LIMIT_EXCEEDED");
    EXPECT_EQ(error_details(run)["side"], "base");
  }
}

TEST(MergeJson, NonAsciiItemsAreCopiedAndInvalidUtf8Refused) {
  const std::string non_ascii = task(1, "\"s\":\"\xc3\xa9\xe6\x97\xa5\xf0\x9f\x99\x82\"");
  const BothPaths copied = run_both(untouched_tasks({task(0), non_ascii, task(2)}));
  EXPECT_TRUE(same_as_document_path(copied));
  EXPECT_EQ(copied.items_copied, 3U);

  for (const char* bad : {"\xff", "\xc3", "\xed\xa0\x80", "\xc0\xaf"}) {
    SCOPED_TRACE(literal(bad));
    const BothPaths run = run_both(untouched_tasks({task(0), task(1, "\"s\":\"" + std::string(bad) + "\""), task(2)}));
    EXPECT_TRUE(same_as_document_path(run));
    EXPECT_EQ(error_code(run), "INVALID_JSON");
    EXPECT_EQ(error_details(run)["side"], "base");
  }
}

TEST(MergeJson, InvalidRulePatternFailsAsTheDocumentPathDoes) {
  // MergeOptions::from_json refuses such patterns; a caller building the
  // options in C++ meets merge()'s own check, after the texts are read.
  MergeOptions options;
  options.rules.emplace_back("tasks", Rule{});
  for (const Texts& texts : {untouched_tasks(tasks(3)), Texts{board(tasks(3)), "[", board(tasks(3))}}) {
    const BothPaths run = run_both_paths(texts, options, {}, R"({"rules":{"tasks":"atomic"}})");
    EXPECT_TRUE(same_as_document_path(run));
    EXPECT_NE(error_code(run), "");
  }
}

TEST(MergeJson, RepeatedMemberNameOnThePathToTheArray) {
  // Parsing keeps the last "tasks"; whichever copy merge_json looks at, the
  // result must be the document's.
  const std::string once = R"({"tasks":[{"id":"a"}]})";
  const std::string twice = R"({"tasks":[{"id":"a"}],"tasks":[{"id":"a"}]})";
  const std::string theirs = R"({"tasks":[{"id":"a"}],"x":1})";
  for (const char* options : {"{}", R"({"rules":{"":"atomic"},"onConflict":"mine"})"}) {
    SCOPED_TRACE(options);
    EXPECT_TRUE(same_as_document_path(run_both({once, twice, theirs}, options_from(options))));
    EXPECT_TRUE(same_as_document_path(run_both({twice, once, theirs}, options_from(options))));
    // The array only in the copy parsing drops, or only in the one it keeps.
    EXPECT_TRUE(
        same_as_document_path(run_both({once, R"({"tasks":[{"id":"a"}],"tasks":0})", theirs}, options_from(options))));
    EXPECT_TRUE(
        same_as_document_path(run_both({once, R"({"tasks":0,"tasks":[{"id":"a"}]})", theirs}, options_from(options))));
    EXPECT_TRUE(same_as_document_path(run_both(
        {R"({"meta":{"list":[{"id":"a"}]}})", R"({"meta":{"list":[{"id":"a"}]},"meta":{"other":[{"id":"a"}]}})",
         R"({"meta":{"list":[{"id":"a"}]},"x":1})"},
        options_from(options))));
    EXPECT_TRUE(
        same_as_document_path(run_both({R"({"tasks":[{"id":"a","v":1}],"tasks":[{"id":"a","v":2}]})",
                                        R"({"tasks":[{"id":"a","v":1}]})", R"({"tasks":[{"id":"a","v":1}],"x":1})"},
                                       options_from(options))));
    EXPECT_TRUE(
        same_as_document_path(run_both({R"({"meta":{"list":[{"id":"a"}],"list":[{"id":"a"}]}})",
                                        R"({"meta":{"list":[{"id":"a"}]}})", R"({"meta":{"list":[{"id":"a"}]},"x":1})"},
                                       options_from(options))));
  }
}

// The JS merge of values sends its three documents and options as separate
// texts (wasm::merge_value_texts); its answer must be the argument array's,
// byte for byte, whether merge_json could take them or not.
TEST(MergeValueTexts, AnswersAsTheArgumentArrayDoes) {
  const auto check = [](const Texts& texts, const std::string& options) {
    const std::string args = "[" + texts[0] + "," + texts[1] + "," + texts[2] + "," + options + "]";
    EXPECT_EQ(wasm::merge_value_texts(texts[0], texts[1], texts[2], options), wasm::call_adapter("merge", args))
        << "texts:\n" << texts[0] << "\n" << texts[1] << "\n" << texts[2] << "\noptions " << options;
  };
  for (std::uint32_t seed = 1; seed <= 400; ++seed) {
    const RandomCase random = RandomBoards(seed).next();
    check(random.texts, to_json_text(random.options));
  }
  const std::string board_text = board(tasks(3));
  check({board_text, board_text, board_text}, "null");
  check({board_text, board_text, board_text}, R"({"maxDepth":0})");  // refused options
  check({board_text, R"({"s":"\ud800"})", board_text}, "null");        // a lone surrogate's escape
  // 999 levels merge; 1000 are one too many inside the argument array, though
  // merge_json alone would take them.
  for (const int depth : {999, 1000}) {
    const std::string deep = std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']');
    check({deep, deep, "[]"}, "null");
    check({"{}", "{}", "{}"}, "{\"rules\":" + std::string(static_cast<std::size_t>(depth - 1), '[') + std::string(static_cast<std::size_t>(depth - 1), ']') + "}");
  }
}

}  // namespace
}  // namespace truce
