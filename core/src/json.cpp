#include "truce/json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "truce/error.hpp"
#include "double_text.hpp"
#include "json_index.hpp"
#include "json_string.hpp"
#include "utf8.hpp"

// Our own parser and compact printer. nlohmann's lexer reads a byte at a time
// through a UTF-8 state machine and copies every string twice; on a 9 MB
// document that was 60% of a whole merge. These move runs of plain bytes with
// one append, eight bytes per test, and build the Document in place. Their
// output is exactly nlohmann's: the same value types (numbers without a minus
// are unsigned, like nlohmann's), the same duplicate-key rule (the last value
// wins, at the first key's position, as JSON.parse does) and the same printed
// text (tests/core/json_test.cpp compares both on random documents).

// Hooks of the parser's indexing mode: kept out of the parsing loop, which
// stays small (the browser module's size) and tight, and compiled for size.
#if defined(__clang__)
#define TRUCE_OUT_OF_LINE __attribute__((noinline, minsize))
#else
#define TRUCE_OUT_OF_LINE __attribute__((noinline))
#endif

namespace truce {
namespace {

using Object = Document::object_t;
using Array = Document::array_t;

using detail::skip_plain;
using detail::utf8_length;

std::string describe(const char* p, const char* end) {
  if (p >= end) return "the end of the text";
  const auto c = static_cast<unsigned char>(*p);
  if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
  static const char hex[] = "0123456789abcdef";
  return std::string("byte 0x") + hex[c >> 4] + hex[c & 15];
}

class Parser {
 public:
  Parser(std::string_view text, const ParseLimits& limits)
      : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()), limits_(limits) {}

  Document parse() { return run(); }

  // parse(), with each stub's text taken as it is (index_json read it already).
  Document parse(const std::vector<detail::TextStub>& stubs, const std::string& id_key) {
    stubs_ = &stubs;
    stub_id_key_ = &id_key;
    next_stub_ = stubs.empty() ? nullptr : begin_ + stubs.front().begin;
    return run();
  }

  // Reads the text as parse() does, building nothing (json_index.hpp).
  detail::TextIndex index(std::string_view id_key, const detail::TextIndex* reference, std::string_view reference_text) {
    detail::TextIndex out;
    index_ = &out;
    id_key_ = id_key;
    reference_ = reference;
    reference_text_ = reference_text.data();
    run();
    return out;
  }

 private:
  // A member name waiting for its object to close: a span of the text when it
  // has no escapes (nearly always), else a span of decoded_keys_.
  struct Key {
    bool decoded;
    std::size_t offset, size;
  };

  struct Frame {
    bool object;
    std::size_t first_value, first_key;
    // Indexing only: the array of index_->arrays this is (an array reached
    // through members only) or whose item this is (an object), else -1; and
    // whether the frame lies inside such an item, and whether every frame
    // from the root down to this one is an object.
    std::ptrdiff_t array = -1, item_of = -1;
    bool in_item = false, members_only = false;
  };

  // Values of open containers wait on one scratch stack and each container is
  // allocated once, at its final size, when it closes (RapidJSON's way): no
  // vector regrowth, and far fewer allocations to make and later free. When
  // indexing nothing is built and only their count is kept. (One function
  // for both: a second copy of the parser costs the browser module 4 KB.)
  Document run() {
    const bool building = index_ == nullptr;
    std::vector<Document> values;  // finished members of the open containers
    std::size_t counted = 0;       // their number, when not building
    std::vector<Key> keys;         // their names, for open objects
    std::vector<Frame> open;       // innermost last
    const auto value_count = [&] {
      return building ? values.size() : counted;
    };
    for (;;) {
      skip_space();
      if (p_ == end_) fail("expected a value, found the end of the text");
      bool skipped = false;
      if (!building) {
        if (!open.empty() && open.back().array >= 0 && item_begins(open.back())) {
          ++counted;
          skipped = true;
        }
      }
      if (skipped) {
        // An item the reference text holds as it is: read there already.
      } else if (p_ == next_stub_) {
        values.push_back(take_stub());
      } else switch (*p_) {
        case '{':
        case '[': {
          if (open.size() >= limits_.max_depth)
            limit_exceeded("depth", limits_.max_depth, offset(), "JSON nesting is deeper than");
          const bool object = *p_ == '{';
          ++p_;
          skip_space();
          if (!building) index_->depth = std::max(index_->depth, open.size() + 1);
          if (p_ < end_ && *p_ == (object ? '}' : ']')) {
            ++p_;
            if (building) values.emplace_back(object ? Document::value_t::object : Document::value_t::array);
            else ++counted;
            break;
          }
          open.push_back({object, value_count(), keys.size()});
          if (!building) frame_opened(open, keys);
          if (object) read_key(keys);
          continue;  // to the first member's value
        }
        case '"':
          if (building) {
            read_string(*values.emplace_back(Document::value_t::string).get_ptr<std::string*>(), string_limit());
          } else {
            ++counted;
            index_string(open, keys);
          }
          break;
        case 't':
          literal("true");
          if (building) values.emplace_back(true);
          else ++counted;
          break;
        case 'f':
          literal("false");
          if (building) values.emplace_back(false);
          else ++counted;
          break;
        case 'n':
          literal("null");
          if (building) values.emplace_back(nullptr);
          else ++counted;
          break;
        default:
          if (building) {
            values.emplace_back(read_number());
          } else {
            ++counted;
            index_number();
          }
      }
      if (!building) {
        if (!open.empty() && open.back().array >= 0) item_done(open.back());
      }
      // A value is done: close every container it completes, up to the next member.
      bool more = false;
      while (!open.empty() && !more) {
        const Frame frame = open.back();
        skip_space();
        if (p_ < end_ && *p_ == ',') {
          // Checked as each member starts, so the scratch stack never holds more than the limit.
          const std::size_t members = value_count() - frame.first_value;
          if (frame.object ? members >= limits_.max_object_members : members >= limits_.max_array_items) {
            limit_exceeded(frame.object ? "object_members" : "array_items",
                           frame.object ? limits_.max_object_members : limits_.max_array_items, offset(),
                           frame.object ? "JSON object has more members than" : "JSON array has more items than");
          }
          ++p_;
          if (frame.object) read_key(keys);
          more = true;
        } else if (p_ < end_ && *p_ == (frame.object ? '}' : ']')) {
          ++p_;
          open.pop_back();
          if (building) {
            Document container = frame.object ? close_object(values, keys, frame.first_value, frame.first_key)
                                              : close_array(values, frame.first_value);
            values.push_back(std::move(container));
          } else {
            if (frame.object) {
              if (frame.in_item) check_names(frame, keys);
              keys.resize(frame.first_key);
              if (keys.empty()) decoded_keys_.clear();
            }
            counted = frame.first_value + 1;
            if (!open.empty() && open.back().array >= 0) item_done(open.back());
          }
        } else {
          fail(std::string("expected ',' or '") + (frame.object ? '}' : ']') + "', found " + describe(p_, end_));
        }
      }
      if (!more) break;
    }
    skip_space();
    if (p_ != end_) fail("unexpected " + describe(p_, end_) + " after the JSON value");
    if (building) return std::move(values.back());
    else return Document();
  }

  // ---- indexing (json_index.hpp) -------------------------------------------

  // A frame was pushed: is it an array reached through members only, or an
  // item of one?
  TRUCE_OUT_OF_LINE void frame_opened(std::vector<Frame>& open, const std::vector<Key>& keys) {
    Frame& frame = open.back();
    const Frame* parent = open.size() > 1 ? &open[open.size() - 2] : nullptr;
    const bool parent_members_only = parent == nullptr || parent->members_only;
    frame.members_only = frame.object && parent_members_only;
    frame.in_item = parent != nullptr && (parent->in_item || parent->array >= 0);
    if (parent != nullptr && parent->array >= 0 && frame.object) frame.item_of = parent->array;
    if (!frame.object && parent_members_only) {
      detail::IndexedArray array;
      // Each enclosing object's current member: the last name it read.
      for (std::size_t i = 0; i + 1 < open.size(); ++i) array.path.emplace_back(key_text(keys[open[i + 1].first_key - 1]));
      if (reference_ != nullptr) array.reference = reference_array(array.path);
      frame.array = static_cast<std::ptrdiff_t>(index_->arrays.size());
      index_->arrays.push_back(std::move(array));
      reference_cursors_.push_back(0);
    }
  }

  // A value starts inside `frame`: when frame is an indexed array, an item.
  // True when the item's text is, byte for byte, the next item of the
  // reference's array, which validated it already (at the same depth, under
  // the same limits): then p_ is moved past it.
  TRUCE_OUT_OF_LINE bool item_begins(const Frame& frame) {
    detail::IndexedArray& array = index_->arrays[static_cast<std::size_t>(frame.array)];
    if (!array.plain_ids) return false;
    if (*p_ != '{') {
      no_plain_ids(array);
      return false;
    }
    detail::IndexedItem item;
    item.begin = offset();
    item_irregular_ = irregular_;
    if (array.reference >= 0) {
      const auto& twins = reference_->arrays[static_cast<std::size_t>(array.reference)].items;
      std::size_t& cursor = reference_cursors_[static_cast<std::size_t>(frame.array)];
      if (cursor < twins.size()) {
        const detail::IndexedItem& twin = twins[cursor];
        const std::size_t size = twin.end - twin.begin;
        if (static_cast<std::size_t>(end_ - p_) >= size && detail::same_bytes(p_, reference_text_ + twin.begin, size)) {
          item.end = item.begin + size;
          item.has_id = true;
          item.id_hash = twin.id_hash;
          item.printed_form = twin.printed_form;
          item.twin = static_cast<std::ptrdiff_t>(cursor++);
          array.items.push_back(item);
          p_ += size;
          // Its depth is not known here: the reference's deepest stands in
          // (too deep only sends merge_json the long way, never wrong).
          index_->depth = std::max(index_->depth, reference_->depth);
          return true;
        }
      }
    }
    array.items.push_back(item);
    return false;
  }

  // The reference's array at `path`, found by looking at the arrays after
  // the last one found (texts mostly hold the same arrays in the same order),
  // up to 64 of them; -1 when none is found that way.
  std::ptrdiff_t reference_array(const std::vector<std::string>& path) {
    const auto& arrays = reference_->arrays;
    for (std::size_t tries = 0; tries < std::min<std::size_t>(arrays.size(), 64); ++tries) {
      const std::size_t k = (reference_array_cursor_ + tries) % arrays.size();
      if (arrays[k].plain_ids && arrays[k].path == path) {
        reference_array_cursor_ = k + 1;
        return static_cast<std::ptrdiff_t>(k);
      }
    }
    return -1;
  }

  // A value inside `frame` is complete: when frame is an indexed array, its item.
  TRUCE_OUT_OF_LINE void item_done(const Frame& frame) {
    detail::IndexedArray& array = index_->arrays[static_cast<std::size_t>(frame.array)];
    if (!array.plain_ids) return;
    detail::IndexedItem& item = array.items.back();
    if (item.end != 0) return;  // a twin, taken whole
    item.end = offset();
    item.printed_form = irregular_ == item_irregular_;
    if (!item.has_id) return no_plain_ids(array);
    if (array.reference < 0) return;
    // An item the reference has not here (edited, added, moved): the next
    // twin is looked for after its own id, up to 64 items on (past a run of
    // deletions as long as that).
    const auto& twins = reference_->arrays[static_cast<std::size_t>(array.reference)].items;
    std::size_t& cursor = reference_cursors_[static_cast<std::size_t>(frame.array)];
    for (std::size_t k = cursor; k < std::min(twins.size(), cursor + 64); ++k) {
      if (twins[k].id_hash == item.id_hash) {
        cursor = k + 1;
        break;
      }
    }
  }

  static void no_plain_ids(detail::IndexedArray& array) {
    array.plain_ids = false;
    array.items = {};
  }

  void index_string(const std::vector<Frame>& open, const std::vector<Key>& keys) {
    const char* quote = p_;
    CountedText counted;
    read_string(counted, string_limit());
    if (!open.empty() && open.back().item_of >= 0) note_id(open.back(), keys, quote, counted.size());
  }

  // A string member of an item: its id, when the member is the id member.
  TRUCE_OUT_OF_LINE void note_id(const Frame& item_frame, const std::vector<Key>& keys, const char* quote,
                                 std::size_t decoded_size) {
    if (key_text(keys.back()) != id_key_) return;
    detail::IndexedArray& array = index_->arrays[static_cast<std::size_t>(item_frame.item_of)];
    if (!array.plain_ids) return;
    detail::IndexedItem& item = array.items.back();
    // Escapes always make the decoded text shorter than the raw one.
    const auto raw = static_cast<std::size_t>(p_ - quote) - 2;
    if (item.has_id || decoded_size != raw) return no_plain_ids(array);
    item.has_id = true;
    item.id_hash = detail::hash64(std::string_view(quote + 1, raw));
  }

  TRUCE_OUT_OF_LINE void index_number() {
    const char* start = p_;
    const Document number = read_number();
    const std::string_view text(start, static_cast<std::size_t>(p_ - start));
    // The printer writes integers in their shortest decimal form (so only
    // "-0" differs) and doubles as nlohmann's to_chars does.
    if (number.is_number_float()) {
      char shortest[64];
      const char* last = nlohmann::detail::to_chars(shortest, shortest + sizeof shortest, number.get<double>());
      if (text != std::string_view(shortest, static_cast<std::size_t>(last - shortest))) ++irregular_;
    } else if (text == "-0") {
      ++irregular_;
    }
  }

  // An object inside an item closed: a repeated name keeps the item from
  // being copied (parsing keeps the last value only), and in the item
  // itself, from being matched as the indexer saw it.
  TRUCE_OUT_OF_LINE void check_names(const Frame& frame, const std::vector<Key>& keys) {
    const Key* names = keys.data() + frame.first_key;
    const std::size_t count = keys.size() - frame.first_key;
    if (count <= 8) {
      if (distinct_names(names, count)) return;
      for (std::size_t i = 0; i < count; ++i) {
        for (std::size_t j = i + 1; j < count; ++j)
          if (key_text(names[i]) == key_text(names[j])) return name_repeated(frame);
      }
      return;
    }
    // Open addressing over the names' positions (+1; 0 = empty).
    std::size_t capacity = 16;
    while (capacity < count * 2) capacity <<= 1;
    std::vector<std::uint32_t> slots(capacity, 0);
    for (std::size_t i = 0; i < count; ++i) {
      const std::string_view name = key_text(names[i]);
      std::size_t s = std::hash<std::string_view>{}(name) & (capacity - 1);
      for (; slots[s] != 0; s = (s + 1) & (capacity - 1)) {
        if (key_text(names[slots[s] - 1]) == name) return name_repeated(frame);
      }
      slots[s] = static_cast<std::uint32_t>(i + 1);
    }
  }

  void name_repeated(const Frame& frame) {
    ++irregular_;
    if (frame.item_of >= 0) no_plain_ids(index_->arrays[static_cast<std::size_t>(frame.item_of)]);
  }

  // Counts what read_string would append, storing nothing.
  class CountedText {
   public:
    std::size_t size() const { return size_; }
    void append(const char*, std::size_t n) { size_ += n; }
    void reserve(std::size_t) {}
    CountedText& operator+=(char) {
      ++size_;
      return *this;
    }

   private:
    std::size_t size_ = 0;
  };

  TRUCE_OUT_OF_LINE Document take_stub() {
    const detail::TextStub& stub = (*stubs_)[stub_cursor_];
    Document marked(Document::value_t::object);
    auto& members = *marked.get_ptr<Object*>();
    members.reserve(2);
    members.emplace_back_new(detail::stub_marker(stub.index), Document());
    // The stub's number stands for its id: ids are matched within one array,
    // where every item's id is a string, so a number is unequal to them all,
    // and unlike a string it needs no allocation.
    members.emplace_back_new(*stub_id_key_, Document(stub.index));
    p_ = begin_ + stub.end;
    ++stub_cursor_;
    next_stub_ = stub_cursor_ < stubs_->size() ? begin_ + (*stubs_)[stub_cursor_].begin : nullptr;
    return marked;
  }

  std::size_t offset() const { return static_cast<std::size_t>(p_ - begin_); }

  [[noreturn]] static void limit_exceeded(const char* limit, std::size_t max, std::size_t at, const char* what) {
    throw Error(Code::LimitExceeded,
                std::string(what) + " the limit of " + std::to_string(max) + " (at byte " + std::to_string(at) + ")",
                {{"limit", limit}, {"max", max}, {"offset", at}});
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(Code::InvalidJson, "invalid JSON at byte " + std::to_string(offset()) + ": " + what,
                {{"offset", offset()}});
  }

  void skip_space() {
    const char* start = p_;
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
    if (p_ != start) ++irregular_;  // the printer writes none
  }

  std::string_view key_text(const Key& key) const {
    return key.decoded ? std::string_view(decoded_keys_).substr(key.offset, key.size)
                       : std::string_view(begin_ + key.offset, key.size);
  }

  // A member name and its colon.
  void read_key(std::vector<Key>& keys) {
    skip_space();
    if (p_ == end_ || *p_ != '"') fail("expected a member name in double quotes, found " + describe(p_, end_));
    const char* first = p_ + 1;
    const char* run = skip_plain(first, end_);
    if (run < end_ && *run == '"') {
      const auto size = static_cast<std::size_t>(run - first);
      if (size > limits_.max_key_bytes) key_limit().exceeded(offset());
      keys.push_back({false, static_cast<std::size_t>(first - begin_), size});
      p_ = run + 1;
    } else {
      const std::size_t offset = decoded_keys_.size();
      read_string(decoded_keys_, key_limit());
      keys.push_back({true, offset, decoded_keys_.size() - offset});
    }
    skip_space();
    if (p_ == end_ || *p_ != ':') fail("expected ':' after a member name, found " + describe(p_, end_));
    ++p_;
  }

  static Document close_array(std::vector<Document>& values, std::size_t first) {
    Document array(Document::value_t::array);
    auto& items = *array.get_ptr<Array*>();
    items.reserve(values.size() - first);
    std::move(values.begin() + static_cast<std::ptrdiff_t>(first), values.end(), std::back_inserter(items));
    values.resize(first);
    return array;
  }

  // Whether a few names are surely all different: no two share a bit of
  // (length, first byte, last byte) folded to 6 bits. False when unsure.
  bool distinct_names(const Key* names, std::size_t count) const {
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const std::string_view name = key_text(names[i]);
      const std::size_t first = name.empty() ? 0 : static_cast<unsigned char>(name.front());
      const std::size_t last = name.empty() ? 0 : static_cast<unsigned char>(name.back());
      const std::uint64_t bit = std::uint64_t{1} << ((name.size() * 7 + first * 3 + last) & 63);
      if (seen & bit) return false;
      seen |= bit;
    }
    return true;
  }

  Document close_object(std::vector<Document>& values, std::vector<Key>& keys, std::size_t first_value,
                        std::size_t first_key) {
    Document object(Document::value_t::object);
    auto& members = *object.get_ptr<Object*>();
    const std::size_t count = keys.size() - first_key;
    members.reserve(count);
    if (count <= 8 && distinct_names(keys.data() + first_key, count)) {
      for (std::size_t i = 0; i < count; ++i)
        members.emplace_back_new(std::string(key_text(keys[first_key + i])), std::move(values[first_value + i]));
    } else {
      for (std::size_t i = 0; i < count; ++i) {
        auto [it, inserted] = members.emplace(std::string(key_text(keys[first_key + i])), std::move(values[first_value + i]));
        // A repeated name: the last value wins, at the first name's position (as JSON.parse does).
        if (!inserted) it->second = std::move(values[first_value + i]);
      }
    }
    values.resize(first_value);
    keys.resize(first_key);
    if (keys.empty()) decoded_keys_.clear();
    return object;
  }

  void literal(const char* word) {
    for (const char* w = word; *w; ++w, ++p_) {
      if (p_ == end_ || *p_ != *w) fail(std::string("invalid literal, expected '") + word + "'");
    }
  }

  struct StringLimit {
    const char* name;
    std::size_t max;
    const char* what;
    [[noreturn]] void exceeded(std::size_t at) const { limit_exceeded(name, max, at, what); }
  };
  StringLimit string_limit() const {
    return {"string_bytes", limits_.max_string_bytes, "JSON string is longer (in UTF-8 bytes) than"};
  }
  StringLimit key_limit() const {
    return {"key_bytes", limits_.max_key_bytes, "JSON member name is longer (in UTF-8 bytes) than"};
  }

  // p_ at the opening quote; leaves p_ after the closing one. Appends at most
  // limit.max decoded bytes (checked once, at the end: the text itself is
  // already within max_bytes, so no allocation can run away before it).
  template <class Out>
  void read_string(Out& out, const StringLimit& limit) {
    const std::size_t quote = offset();
    const std::size_t initial = out.size();
    ++p_;
    bool reserved = false;
    for (;;) {
      const char* run = skip_plain(p_, end_);
      out.append(p_, static_cast<std::size_t>(run - p_));
      p_ = run;
      if (p_ == end_) fail("unterminated string");
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        if (out.size() - initial > limit.max) limit.exceeded(quote);
        return;
      }
      if (!reserved) {
        // An escape or a multi-byte character: the rest is appended piece by
        // piece, so make room for it once (the decoded text is never longer
        // than the raw one) instead of regrowing the string several times.
        reserved = true;
        const std::size_t room = limit.max - std::min(limit.max, out.size() - initial);
        out.reserve(out.size() + std::min(room + 1, raw_string_rest()));
      }
      if (c == '\\') {
        read_escape(out);
      } else if (c < 0x20) {
        fail("control character " + describe(p_, end_) + " inside a string must be escaped");
      } else {
        read_utf8(out);
      }
    }
  }

  // Bytes from p_ to the string's closing quote (or the end of the text).
  std::size_t raw_string_rest() const {
    const char* q = p_;
    while (q < end_) {
      q = skip_plain(q, end_);
      if (q == end_ || *q == '"') break;
      q += *q == '\\' ? 2 : 1;
    }
    return static_cast<std::size_t>(std::min(q, end_) - p_);
  }

  template <class Out>
  void read_utf8(Out& out) {
    const std::size_t length = utf8_length(p_, end_);
    if (length == 0) fail("invalid UTF-8 in a string");
    out.append(p_, length);
    p_ += length;
  }

  unsigned read_hex4() {
    unsigned value = 0;
    for (int i = 0; i < 4; ++i, ++p_) {
      if (p_ == end_) fail("unterminated \\u escape");
      const char h = *p_;
      unsigned digit;
      if (h >= '0' && h <= '9') digit = static_cast<unsigned>(h - '0');
      else if (h >= 'a' && h <= 'f') digit = static_cast<unsigned>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') digit = static_cast<unsigned>(h - 'A' + 10);
      else fail("\\u must be followed by four hexadecimal digits");
      value = value * 16 + digit;
    }
    return value;
  }

  template <class Out>
  void read_escape(Out& out) {
    ++p_;
    if (p_ == end_) fail("unterminated escape");
    const char e = *p_++;
    if (e == '/') ++irregular_;  // printed as it is
    switch (e) {
      case '"': out += '"'; return;
      case '\\': out += '\\'; return;
      case '/': out += '/'; return;
      case 'b': out += '\b'; return;
      case 'f': out += '\f'; return;
      case 'n': out += '\n'; return;
      case 'r': out += '\r'; return;
      case 't': out += '\t'; return;
      case 'u': break;
      default:
        --p_;
        fail("invalid escape " + describe(p_, end_) + " in a string");
    }
    const char* hex = p_;
    unsigned code = read_hex4();
    // The printer spells out only control bytes without a short escape, in lowercase.
    static constexpr char kLowercase[] = "0123456789abcdef";
    if (code >= 0x20 || code == '\b' || code == '\f' || code == '\n' || code == '\r' || code == '\t' ||
        hex[2] != kLowercase[code >> 4] || hex[3] != kLowercase[code & 15])
      ++irregular_;
    if (code >= 0xDC00 && code <= 0xDFFF) fail("\\u escape of a lone low surrogate");
    if (code >= 0xD800 && code <= 0xDBFF) {
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') fail("a high surrogate must be followed by a \\u low surrogate");
      p_ += 2;
      const unsigned low = read_hex4();
      if (low < 0xDC00 || low > 0xDFFF) fail("a high surrogate must be followed by a \\u low surrogate");
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  // RFC 8259 number grammar. Integers that fit are stored exactly (unsigned
  // without a minus, signed with one); everything else is a double.
  Document read_number() {
    const char* start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || !digit(*p_)) {
      if (!negative) fail("expected a value, found " + describe(p_, end_));
      fail("expected a digit after '-', found " + describe(p_, end_));
    }
    std::uint64_t magnitude = 0;
    bool overflow = false;
    if (*p_ == '0') {
      ++p_;
    } else {
      for (; p_ < end_ && digit(*p_); ++p_) {
        const auto d = static_cast<std::uint64_t>(*p_ - '0');
        if (magnitude > (std::numeric_limits<std::uint64_t>::max() - d) / 10) overflow = true;
        magnitude = magnitude * 10 + d;
      }
    }
    bool integer = true;
    if (p_ < end_ && *p_ == '.') {
      integer = false;
      ++p_;
      if (p_ == end_ || !digit(*p_)) fail("expected a digit after '.', found " + describe(p_, end_));
      while (p_ < end_ && digit(*p_)) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      integer = false;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !digit(*p_)) fail("expected a digit in the exponent, found " + describe(p_, end_));
      while (p_ < end_ && digit(*p_)) ++p_;
    }
    if (integer && !overflow) {
      constexpr auto min_magnitude = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1;
      if (!negative) return static_cast<Document::number_unsigned_t>(magnitude);
      if (magnitude <= min_magnitude) {
        return magnitude == min_magnitude ? std::numeric_limits<std::int64_t>::min()
                                          : -static_cast<std::int64_t>(magnitude);
      }
    }
    const double value = detail::parse_double(std::string_view(start, static_cast<std::size_t>(p_ - start)));
    // JSON has no infinity: refuse rather than store a value no JSON text can hold.
    if (!std::isfinite(value)) {
      const std::string number(start, std::min<std::size_t>(static_cast<std::size_t>(p_ - start), 32));
      p_ = start;
      fail("number " + number + " is beyond the range of a double");
    }
    return value;
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  const ParseLimits& limits_;
  std::string decoded_keys_;  // names that had escapes, decoded, while their objects are open

  // Bumped by whatever the compact printer would write differently.
  std::size_t irregular_ = 0;
  // Indexing.
  detail::TextIndex* index_ = nullptr;
  const detail::TextIndex* reference_ = nullptr;  // an index of another text, whose items may recur here
  const char* reference_text_ = nullptr;
  std::size_t reference_array_cursor_ = 0;
  std::vector<std::size_t> reference_cursors_;  // per array of index_: its next twin in the reference
  std::string_view id_key_;
  std::size_t item_irregular_ = 0;
  // Building with stubs.
  const std::vector<detail::TextStub>* stubs_ = nullptr;
  const std::string* stub_id_key_ = nullptr;
  std::size_t stub_cursor_ = 0;
  const char* next_stub_ = nullptr;
};

// The compact form nlohmann's dump() prints, without its byte-at-a-time
// escaping: written straight into the output's buffer, which grows by
// doubling and is cut to size at the end.
class Printer {
 public:
  explicit Printer(std::string& out, const std::vector<std::string_view>* stub_spans = nullptr)
      : out_(out), stub_spans_(stub_spans) {}

  void print_document(const Document& value) {
    out_.resize(std::max<std::size_t>(out_.capacity(), 256));
    p_ = out_.data();
    end_ = p_ + out_.size();
    print(value);
    out_.resize(static_cast<std::size_t>(p_ - out_.data()));
  }

 private:
  // Room for n more bytes at p_.
  void ensure(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) >= n) return;
    const auto used = static_cast<std::size_t>(p_ - out_.data());
    out_.resize(std::max(out_.size() * 2, used + n));
    p_ = out_.data() + used;
    end_ = out_.data() + out_.size();
  }
  void put(char c) {
    ensure(1);
    *p_++ = c;
  }
  void put(const char* text, std::size_t n) {
    ensure(n);
    std::memcpy(p_, text, n);
    p_ += n;
  }

  void print(const Document& value) {
    switch (value.type()) {
      case Document::value_t::object: {
        const auto& object = *value.get_ptr<const Object*>();
        if (stub_spans_ != nullptr) {
          if (const std::int64_t stub = detail::stub_index(value); stub >= 0) {
            const std::string_view text = (*stub_spans_)[static_cast<std::size_t>(stub)];
            put(text.data(), text.size());
            return;
          }
        }
        put('{');
        bool first = true;
        for (const auto& [key, member] : object) {
          if (!first) put(',');
          first = false;
          print_string(key);
          put(':');
          print(member);
        }
        put('}');
        return;
      }
      case Document::value_t::array: {
        const auto& array = *value.get_ptr<const Array*>();
        put('[');
        for (std::size_t i = 0; i < array.size(); ++i) {
          if (i) put(',');
          print(array[i]);
        }
        put(']');
        return;
      }
      case Document::value_t::string:
        print_string(*value.get_ptr<const std::string*>());
        return;
      case Document::value_t::boolean:
        if (*value.get_ptr<const bool*>()) put("true", 4);
        else put("false", 5);
        return;
      case Document::value_t::number_integer: {
        const std::int64_t v = *value.get_ptr<const std::int64_t*>();
        if (v < 0) {
          put('-');
          print_unsigned(0 - static_cast<std::uint64_t>(v));
        } else {
          print_unsigned(static_cast<std::uint64_t>(v));
        }
        return;
      }
      case Document::value_t::number_unsigned:
        print_unsigned(*value.get_ptr<const std::uint64_t*>());
        return;
      case Document::value_t::number_float: {
        const double x = *value.get_ptr<const double*>();
        if (!std::isfinite(x)) {
          put("null", 4);
          return;
        }
        ensure(64);
        p_ = nlohmann::detail::to_chars(p_, p_ + 64, x);
        return;
      }
      case Document::value_t::binary: {  // never made from JSON text; printed as nlohmann does
        const auto& binary = *value.get_ptr<const Document::binary_t*>();
        put("{\"bytes\":[", 10);
        for (std::size_t i = 0; i < binary.size(); ++i) {
          if (i) put(',');
          print_unsigned(binary[i]);
        }
        put("],\"subtype\":", 12);
        if (binary.has_subtype()) {
          print_unsigned(binary.subtype());
        } else {
          put("null", 4);
        }
        put('}');
        return;
      }
      case Document::value_t::null:
      case Document::value_t::discarded:
        put("null", 4);
        return;
    }
  }

  void print_unsigned(std::uint64_t v) {
    char buffer[20];
    char* q = buffer + sizeof buffer;
    do {
      *--q = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v);
    put(q, static_cast<std::size_t>(buffer + sizeof buffer - q));
  }

  void print_string(const std::string& s) {
    // Room for the text as it is and its quotes; escapes ask for more.
    struct Writer {
      Printer& printer;
      void copy(const char* bytes, std::size_t n) {
        std::memcpy(printer.p_, bytes, n);
        printer.p_ += n;
      }
      void make_room(std::size_t n) { printer.ensure(n); }
    } writer{*this};
    ensure(s.size() + 2);
    *p_++ = '"';
    if (!detail::write_json_string_body(s, writer)) invalid_utf8();
    *p_++ = '"';
  }

  [[noreturn]] static void invalid_utf8() {
    throw Error(Code::InvalidJson, "document holds a string that is not valid UTF-8");
  }

  std::string& out_;
  const std::vector<std::string_view>* stub_spans_;
  char* p_ = nullptr;
  char* end_ = nullptr;
};

}  // namespace

Document parse_json(std::string_view text, const ParseLimits& limits) {
  detail::refuse_oversized(text, limits);
  return Parser(text, limits).parse();
}

std::string to_json_text(const Document& value, int indent) {
  if (indent < 0) {
    std::string out;
    Printer(out).print_document(value);
    return out;
  }
  try {
    return value.dump(indent);
  } catch (const nlohmann::detail::type_error&) {
    // Only invalid UTF-8 inside a string built in C++ reaches here.
    throw Error(Code::InvalidJson, "document holds a string that is not valid UTF-8");
  }
}

namespace detail {

void refuse_oversized(std::string_view text, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    throw Error(
        Code::LimitExceeded,
        "JSON text is " + std::to_string(text.size()) + " bytes, the limit is " + std::to_string(limits.max_bytes),
        {{"limit", "bytes"}, {"max", limits.max_bytes}, {"actual", text.size()}});
  }
}

TextIndex index_json(std::string_view text, const ParseLimits& limits, std::string_view id_key,
                     const TextIndex* reference, std::string_view reference_text) {
  refuse_oversized(text, limits);
  return Parser(text, limits).index(id_key, reference, reference_text);
}

Document parse_json_with_stubs(std::string_view text, const ParseLimits& limits, const std::vector<TextStub>& stubs,
                               const std::string& id_key) {
  return Parser(text, limits).parse(stubs, id_key);
}

// A member name no JSON text can give (parsing accepts only UTF-8, and 0xFF
// is never part of it), short enough to be stored inside the string itself:
// a stub costs two allocations (its object and the members), not three.
std::string stub_marker(std::uint64_t index) {
  std::string marker(1 + sizeof index, '\xff');
  std::memcpy(&marker[1], &index, sizeof index);
  return marker;
}

std::int64_t stub_index(const Document& value) {
  if (!value.is_object() || value.empty()) return -1;
  const std::string& marker = value.get_ptr<const Object*>()->front().first;
  if (marker.size() != 1 + sizeof(std::uint64_t) || marker[0] != '\xff') return -1;
  std::uint64_t index = 0;
  std::memcpy(&index, marker.data() + 1, sizeof index);
  return static_cast<std::int64_t>(index);
}

std::string print_json_with_stubs(const Document& value, const std::vector<std::string_view>& spans,
                                  std::size_t size_hint) {
  std::string out;
  out.reserve(size_hint);
  Printer(out, &spans).print_document(value);
  return out;
}

}  // namespace detail
}  // namespace truce
