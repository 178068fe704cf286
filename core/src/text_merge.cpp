#include "truce/text_merge.hpp"

#include <algorithm>
#include <unordered_map>

#include "truce/sequence.hpp"

namespace truce {
namespace {

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    const std::size_t length = newline == std::string_view::npos ? text.size() : newline + 1;
    lines.push_back(text.substr(0, length));
    text.remove_prefix(length);
  }
  return lines;
}

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  while (!text.empty()) {
    const bool space = is_space(text.front());
    std::size_t length = 1;
    while (length < text.size() && is_space(text[length]) == space) ++length;
    words.push_back(text.substr(0, length));
    text.remove_prefix(length);
  }
  return words;
}

// A text cut into units, each interned to a token shared by all three texts.
struct Units {
  std::string_view text;
  std::vector<std::string_view> pieces;
  Tokens tokens;

  // Byte offset where unit `index` starts (the text's size past the last unit).
  std::size_t offset(std::size_t index) const noexcept {
    return index < pieces.size() ? static_cast<std::size_t>(pieces[index].data() - text.data()) : text.size();
  }
  std::string_view bytes(Span span) const noexcept {
    const std::size_t begin = offset(span.begin);
    return text.substr(begin, offset(span.end) - begin);
  }
};

class Interner {
 public:
  Units cut(std::string_view text, TextUnit unit) {
    Units units{text, unit == TextUnit::Lines ? split_lines(text) : split_words(text), {}};
    units.tokens.reserve(units.pieces.size());
    for (const std::string_view piece : units.pieces) {
      units.tokens.push_back(tokens_.emplace(piece, static_cast<Token>(tokens_.size())).first->second);
    }
    return units;
  }

 private:
  std::unordered_map<std::string_view, Token> tokens_;
};

}  // namespace

TextMergeResult merge_text(std::string_view base, std::string_view mine, std::string_view theirs, TextUnit unit,
                           bool prefer_mine) {
  Interner interner;
  const Units base_units = interner.cut(base, unit);
  const Units mine_units = interner.cut(mine, unit);
  const Units theirs_units = interner.cut(theirs, unit);

  TextMergeResult result;
  result.merged.reserve(std::max(mine.size(), theirs.size()));
  for (const Diff3Chunk& chunk : diff3(base_units.tokens, mine_units.tokens, theirs_units.tokens)) {
    switch (chunk.kind) {
      case Diff3Chunk::Kind::Stable:
      case Diff3Chunk::Kind::MineChanged:
      case Diff3Chunk::Kind::BothSame:
        result.merged += mine_units.bytes(chunk.mine);
        break;
      case Diff3Chunk::Kind::TheirsChanged:
        result.merged += theirs_units.bytes(chunk.theirs);
        break;
      case Diff3Chunk::Kind::Conflict:
        result.merged += prefer_mine ? mine_units.bytes(chunk.mine) : theirs_units.bytes(chunk.theirs);
        result.conflicts.push_back(TextConflict{base_units.offset(chunk.base.begin), base_units.offset(chunk.base.end),
                                                mine_units.offset(chunk.mine.begin), mine_units.offset(chunk.mine.end),
                                                theirs_units.offset(chunk.theirs.begin),
                                                theirs_units.offset(chunk.theirs.end)});
        break;
    }
  }
  return result;
}

}  // namespace truce
