#include "indent.hpp"

#include <cstddef>
#include <string>
#include <string_view>

#include "truce/error.hpp"

namespace truce::cli {
namespace {

constexpr std::string_view kWhitespace = " \t\r\n";

std::string use_crlf(const std::string& text) {
  std::string converted;
  converted.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    if (c == '\n') converted += '\r';
    converted += c;
  }
  return converted;
}

}  // namespace

TextStyle detect_text_style(std::string_view text) {
  TextStyle style;
  style.final_newline = !text.empty() && text.back() == '\n';
  const std::size_t first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) {
    style.compact = true;
    return style;
  }
  const std::string_view body = text.substr(first, text.find_last_not_of(kWhitespace) - first + 1);
  std::size_t line_break = body.find('\n');
  if (line_break == std::string_view::npos) {
    style.compact = true;
    return style;
  }
  style.crlf = line_break > 0 && body[line_break - 1] == '\r';
  // A multi-line document without any indented line keeps its line breaks and gets no indentation.
  style.indent_width = 0;
  for (; line_break != std::string_view::npos; line_break = body.find('\n', line_break + 1)) {
    const std::size_t line_start = line_break + 1;
    const std::size_t content = body.find_first_not_of(" \t", line_start);
    if (content == line_start || body[content] == '\r' || body[content] == '\n') continue;
    style.indent_char = body[line_start];
    const std::size_t unit_end = body.find_first_not_of(style.indent_char, line_start);
    style.indent_width = static_cast<int>(unit_end - line_start);
    break;
  }
  return style;
}

std::string format_json(const Document& value, const TextStyle& style) {
  std::string text;
  try {
    text = value.dump(style.compact ? -1 : style.indent_width, style.indent_char, /*ensure_ascii=*/false);
  } catch (const Document::type_error&) {
    throw Error(Code::InvalidJson, "the merged document holds a string that is not valid UTF-8");
  }
  if (style.final_newline) text += '\n';
  return style.crlf ? use_crlf(text) : text;
}

}  // namespace truce::cli
