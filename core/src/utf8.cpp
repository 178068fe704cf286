#include "truce/utf8.hpp"

#include "utf8.hpp"

namespace truce {

bool is_valid_utf8(std::string_view text) noexcept { return detail::is_valid_utf8(text); }

}  // namespace truce
