#include "truce/canonical_json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "truce/error.hpp"
#include "truce/pointer.hpp"
#include "double_text.hpp"
#include "json_string.hpp"
#include "utf8.hpp"

namespace truce {
namespace {

using Object = Document::object_t;

// ---------------------------------------------------------------------------
// Numbers. Emscripten 3.1.6's libc++ has no floating-point std::to_chars and
// nlohmann's Grisu2 is not always shortest, so both targets share this: the
// nearest p-digit decimal is x's exact decimal expansion rounded (ties to
// even), read back exactly (double_text.hpp) to tell whether it is x, and the
// smallest p that does is searched for, starting from Grisu2's answer (right
// nearly always, but not guaranteed shortest, so only a hint): two probes per
// number.

struct Decimal {
  char digits[24];
  int count = 0;  // significant digits
  int point = 0;  // ECMAScript's n: the value is 0.DIGITS x 10^point
};

// The next decimal up with as many digits (999 -> 1000 keeps 3 significant digits).
void increment(Decimal& decimal) {
  int i = decimal.count - 1;
  while (i >= 0 && decimal.digits[i] == '9') decimal.digits[i--] = '0';
  if (i >= 0) {
    ++decimal.digits[i];
  } else {
    decimal.digits[0] = '1';
    ++decimal.point;
  }
}

// x rounded to `precision` significant digits, ties to even (what printf's
// "%.*e" gives).
Decimal nearest_decimal(const detail::ExactDecimal& exact, int precision) {
  Decimal decimal;
  decimal.count = precision;
  decimal.point = exact.point;
  const auto available = static_cast<int>(exact.digits.size());
  for (int i = 0; i < precision; ++i)
    decimal.digits[i] = i < available ? exact.digits[static_cast<std::size_t>(i)] : '0';
  if (available > precision) {
    // The expansion ends in a nonzero digit: a 5 with more after it is above half.
    const char next = exact.digits[static_cast<std::size_t>(precision)];
    const bool odd = (decimal.digits[precision - 1] - '0') % 2 == 1;
    if (next > '5' || (next == '5' && (available > precision + 1 || odd))) increment(decimal);
  }
  return decimal;
}

double read_back(const Decimal& decimal) {
  return detail::decimal_to_double(std::string_view(decimal.digits, static_cast<std::size_t>(decimal.count)),
                                   decimal.point - decimal.count);
}

// A normal power of two above the smallest normal: the only doubles whose
// neighbour below is closer than their neighbour above.
bool has_narrow_gap_below(double x) {
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const std::uint64_t exponent = (bits >> 52) & 0x7FF;
  return (bits & ((std::uint64_t{1} << 52) - 1)) == 0 && exponent > 1;
}

// The p-digit decimal that reads back as x and is closest to it, if any.
bool shortest_with(double x, const detail::ExactDecimal& exact, int precision, Decimal& out) {
  Decimal decimal = nearest_decimal(exact, precision);
  const double back = read_back(decimal);
  if (back == x) {
    out = decimal;
    return true;
  }
  // Below a power of two the nearest decimal can fall outside the (narrow)
  // half-gap while the next one up, farther away, is inside the wide one.
  if (back < x && has_narrow_gap_below(x)) {
    increment(decimal);
    if (read_back(decimal) == x) {
      out = decimal;
      return true;
    }
  }
  return false;
}

// Significant digits in a decimal spelling ("1.25e-07" -> 3, "1200.0" -> 2).
int significant_digits(const char* first, const char* last) {
  int count = 0, zeros = 0;
  bool leading = true;
  for (const char* p = first; p != last && *p != 'e' && *p != 'E'; ++p) {
    if (*p < '0' || *p > '9') continue;
    if (*p == '0') {
      if (!leading) ++zeros;
      continue;
    }
    leading = false;
    count += zeros + 1;
    zeros = 0;
  }
  return count;
}

// x > 0 and finite. Having a p-digit decimal that reads back as x is
// monotonic in p, and 17 digits always suffice. nlohmann's Grisu2 gives a
// decimal that reads back, nearly always a shortest one: its length is
// checked (one probe with a digit less) and only searched below when wrong.
Decimal shortest_decimal(double x) {
  const detail::ExactDecimal exact = detail::exact_decimal(x);
  char hint[64];
  const int hinted = significant_digits(hint, nlohmann::detail::to_chars(hint, hint + sizeof hint, x));
  Decimal best;
  int high = hinted;  // the fewest digits known to read back; `best` holds them
  if (high < 1 || high > 17 || !shortest_with(x, exact, high, best)) {
    high = 17;
    shortest_with(x, exact, high, best);
  }
  int low = 1;  // fewer digits than this are known not to
  if (low < high) {
    Decimal shorter;
    if (shortest_with(x, exact, high - 1, shorter)) {
      best = shorter;
      --high;
    } else {
      low = high;
    }
  }
  while (low < high) {
    const int middle = (low + high) / 2;
    Decimal candidate;
    if (shortest_with(x, exact, middle, candidate)) {
      high = middle;
      best = candidate;
    } else {
      low = middle + 1;
    }
  }
  while (best.count > 1 && best.digits[best.count - 1] == '0') --best.count;
  return best;
}

void append_unsigned(std::uint64_t value, std::string& out) {
  char buffer[24];
  char* p = buffer + sizeof buffer;
  do {
    *--p = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  out.append(p, buffer + sizeof buffer);
}

// Number::toString (ECMA-262 §6.1.6.1.20) for a finite x.
void append_number(double x, std::string& out) {
  if (x == 0) {  // and -0
    out += '0';
    return;
  }
  if (x < 0) {
    out += '-';
    x = -x;
  }
  // Below 2^53 an integer's own digits are its shortest form.
  if (x < 9007199254740992.0 && x == std::floor(x)) {
    append_unsigned(static_cast<std::uint64_t>(x), out);
    return;
  }
  const Decimal decimal = shortest_decimal(x);
  const int k = decimal.count;
  const int n = decimal.point;
  const char* digits = decimal.digits;
  if (k <= n && n <= 21) {
    out.append(digits, static_cast<std::size_t>(k));
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, static_cast<std::size_t>(n));
    out += '.';
    out.append(digits + n, static_cast<std::size_t>(k - n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out.append(digits, static_cast<std::size_t>(k));
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits + 1, static_cast<std::size_t>(k - 1));
    }
    out += 'e';
    const int exponent = n - 1;
    out += exponent < 0 ? '-' : '+';
    append_unsigned(static_cast<std::uint64_t>(exponent < 0 ? -exponent : exponent), out);
  }
}

const char* non_finite_name(double x) { return std::isnan(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity"; }

// ---------------------------------------------------------------------------
// Strings: JSON.stringify's escapes (RFC 8785 §3.2.2.2). False when `text`
// is not UTF-8, with `out` partly written.

bool append_string(std::string_view text, std::string& out) { return detail::append_json_string(out, text); }

// ---------------------------------------------------------------------------
// Member order (RFC 8785 §3.2.3): UTF-16 code units. UTF-8 bytes compare as
// code points, which agrees with UTF-16 except between U+E000..U+FFFF (lead
// byte EE or EF) and characters above U+FFFF (lead F0..F4), whose surrogates
// D800..DFFF sort first. Both names are valid UTF-8.
bool utf16_less(std::string_view a, std::string_view b) {
  const std::size_t common = std::min(a.size(), b.size());
  std::size_t i = 0;
  while (i < common && a[i] == b[i]) ++i;
  if (i == common) return a.size() < b.size();
  // Equal prefixes end on the same character boundary: step back to the
  // lead bytes of the two characters that differ.
  std::size_t lead = i;
  while (lead > 0 && (static_cast<unsigned char>(a[lead]) & 0xC0) == 0x80) --lead;
  const auto lead_a = static_cast<unsigned char>(a[lead]);
  const auto lead_b = static_cast<unsigned char>(b[lead]);
  const auto high_bmp = [](unsigned char c) { return c == 0xEE || c == 0xEF; };
  if (high_bmp(lead_a) && lead_b >= 0xF0) return false;
  if (high_bmp(lead_b) && lead_a >= 0xF0) return true;
  return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
}

// ---------------------------------------------------------------------------
// The walk keeps its own stack: a document built in C++ can be nested deeper
// than the call stack (WASM's especially) can recurse.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void write(const Document& root) {
    open(root);
    while (!stack_.empty()) {
      Frame& top = stack_.back();
      const bool object = top.container->is_object();
      const std::size_t size = object ? top.members.size() : top.container->size();
      if (top.next == size) {
        out_ += object ? '}' : ']';
        stack_.pop_back();
        continue;
      }
      if (top.next > 0) out_ += ',';
      const Document* child;
      if (object) {
        const Member& member = top.members[top.next];
        append_string(member.name, out_);  // checked when the object was opened
        out_ += ':';
        child = member.value;
      } else {
        child = &(*top.container)[top.next];
      }
      ++top.next;
      open(*child);  // may grow stack_: `top` is not used after this
    }
  }

 private:
  struct Member {
    std::string_view name;
    const Document* value;
  };
  struct Frame {
    const Document* container;
    std::vector<Member> members;  // objects only, in canonical order
    std::size_t next = 0;         // the child written next
  };

  // Writes a scalar, or the opening bracket of a container and pushes it.
  void open(const Document& value) {
    switch (value.type()) {
      case Document::value_t::object: {
        const auto& object = *value.get_ptr<const Object*>();
        Frame frame{&value, {}, 0};
        frame.members.reserve(object.size());
        for (const auto& [name, member] : object) {
          if (!detail::is_valid_utf8(name)) fail(Code::InvalidJson, "a member name is not valid UTF-8");
          frame.members.push_back({name, &member});
        }
        std::sort(frame.members.begin(), frame.members.end(),
                  [](const Member& a, const Member& b) { return utf16_less(a.name, b.name); });
        out_ += '{';
        stack_.push_back(std::move(frame));
        return;
      }
      case Document::value_t::array:
        out_ += '[';
        stack_.push_back(Frame{&value, {}, 0});
        return;
      case Document::value_t::string:
        if (!append_string(*value.get_ptr<const std::string*>(), out_))
          fail(Code::InvalidJson, "a string is not valid UTF-8");
        return;
      case Document::value_t::boolean:
        out_ += value.get<bool>() ? "true" : "false";
        return;
      case Document::value_t::number_integer:
        append_number(static_cast<double>(value.get<std::int64_t>()), out_);
        return;
      case Document::value_t::number_unsigned:
        append_number(static_cast<double>(value.get<std::uint64_t>()), out_);
        return;
      case Document::value_t::number_float: {
        const double x = value.get<double>();
        if (!std::isfinite(x)) fail(Code::InvalidArgument, std::string(non_finite_name(x)) + " has no JSON form");
        append_number(x, out_);
        return;
      }
      case Document::value_t::null:
        out_ += "null";
        return;
      case Document::value_t::binary:
      case Document::value_t::discarded:
        fail(Code::InvalidArgument, "a binary or discarded value has no JSON form");
    }
  }

  // The error names the value being written: the current child of every open container.
  [[noreturn]] void fail(Code code, const std::string& message) const {
    std::string pointer;
    for (const Frame& frame : stack_) {
      pointer += '/';
      if (frame.container->is_object()) {
        pointer += escape_token(frame.members[frame.next - 1].name);
      } else {
        pointer += std::to_string(frame.next - 1);
      }
    }
    const std::string where = pointer.empty() ? std::string("the value") : "the value at " + pointer;
    throw Error(code, "Cannot canonicalize " + where + ": " + message, {{"pointer", pointer}});
  }

  std::string& out_;
  std::vector<Frame> stack_;
};

}  // namespace

std::string canonical_json(const Document& value) {
  std::string out;
  Writer(out).write(value);
  return out;
}

std::string canonical_number(double value) {
  if (!std::isfinite(value)) {
    throw Error(Code::InvalidArgument, std::string(non_finite_name(value)) + " has no JSON form",
                {{"value", non_finite_name(value)}});
  }
  std::string out;
  append_number(value, out);
  return out;
}

}  // namespace truce
