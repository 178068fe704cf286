#include "truce/json.hpp"

#include <string>

#include "truce/error.hpp"

namespace truce {
namespace {

// nlohmann's own DOM builder, plus a depth count: the parser itself is
// iterative, so refusing to open container number max_depth + 1 is all it
// takes to keep every later recursive walk within bounds.
class LimitedDomSax {
 public:
  LimitedDomSax(Document& root, std::size_t max_depth) : dom_(root, false), max_depth_(max_depth) {}

  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(Document::number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(Document::number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(Document::number_float_t v, const std::string& s) { return dom_.number_float(v, s); }
  bool string(std::string& v) { return dom_.string(v); }
  bool binary(Document::binary_t& v) { return dom_.binary(v); }
  bool key(std::string& v) { return dom_.key(v); }
  bool start_object(std::size_t n) { return enter() && dom_.start_object(n); }
  bool end_object() {
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t n) { return enter() && dom_.start_array(n); }
  bool end_array() {
    --depth_;
    return dom_.end_array();
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) {
    offset_ = position == 0 ? 0 : position - 1;
    message_ = ex.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix: users see our code instead.
    if (const auto end = message_.find("] "); message_.rfind("[json.exception", 0) == 0 && end != std::string::npos)
      message_.erase(0, end + 2);
    return false;
  }

  bool depth_exceeded() const { return depth_exceeded_; }
  std::size_t offset() const { return offset_; }
  const std::string& message() const { return message_; }

 private:
  bool enter() {
    if (++depth_ <= max_depth_) return true;
    depth_exceeded_ = true;
    return false;
  }

  nlohmann::detail::json_sax_dom_parser<Document> dom_;
  std::size_t max_depth_;
  std::size_t depth_ = 0;
  bool depth_exceeded_ = false;
  std::size_t offset_ = 0;
  std::string message_;
};

}  // namespace

Document parse_json(std::string_view text, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    throw Error(
        Code::LimitExceeded,
        "JSON text is " + std::to_string(text.size()) + " bytes, the limit is " + std::to_string(limits.max_bytes),
        {{"limit", "bytes"}, {"max", limits.max_bytes}, {"actual", text.size()}});
  }
  Document result;
  LimitedDomSax sax(result, limits.max_depth);
  const bool ok = Document::sax_parse(text.begin(), text.end(), &sax);
  if (sax.depth_exceeded()) {
    throw Error(Code::LimitExceeded, "JSON nesting is deeper than the limit of " + std::to_string(limits.max_depth),
                {{"limit", "depth"}, {"max", limits.max_depth}});
  }
  if (!ok) throw Error(Code::InvalidJson, sax.message(), {{"offset", sax.offset()}});
  return result;
}

std::string to_json_text(const Document& value, int indent) {
  try {
    return value.dump(indent);
  } catch (const nlohmann::detail::type_error&) {
    // Only invalid UTF-8 inside a string built in C++ reaches here.
    throw Error(Code::InvalidJson, "document holds a string that is not valid UTF-8");
  }
}

}  // namespace truce
