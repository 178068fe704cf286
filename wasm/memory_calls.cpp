#include <malloc.h>

#include <new>
#include <utility>

#include "adapters.hpp"
#include "boundary.hpp"

namespace truce::wasm {
namespace {

// The last answer handed to JS; one at a time, as JS calls one at a time.
std::string answer_text;
TextInMemory answer;

std::uintptr_t hand_out(std::string text) {
  answer_text = std::move(text);
  answer = {answer_text.data(), answer_text.size()};
  return reinterpret_cast<std::uintptr_t>(&answer);
}

std::string_view view(std::uintptr_t at, std::size_t size) {
  return {reinterpret_cast<const char*>(at), size};  // NOLINT(performance-no-int-to-ptr)
}

}  // namespace

std::uintptr_t merge_json_in_memory(std::uintptr_t base, std::size_t base_size, std::uintptr_t mine,
                                    std::size_t mine_size, std::uintptr_t theirs, std::size_t theirs_size,
                                    const std::string& options_json) {
  return hand_out(
      merge_text_views(view(base, base_size), view(mine, mine_size), view(theirs, theirs_size), options_json));
}

std::uintptr_t merge_values_in_memory(std::uintptr_t base, std::size_t base_size, std::uintptr_t mine,
                                      std::size_t mine_size, std::uintptr_t theirs, std::size_t theirs_size,
                                      std::uintptr_t options, std::size_t options_size) {
  try {
    return hand_out(merge_value_texts(view(base, base_size), view(mine, mine_size), view(theirs, theirs_size),
                                      view(options, options_size)));
  } catch (const std::bad_alloc&) {
    return hand_out(error_envelope_for_current_exception());
  }
}

std::uintptr_t call_adapter_in_memory(const std::string& name, std::uintptr_t args_json, std::size_t size) {
  try {
    return hand_out(call_adapter(name, std::string(view(args_json, size))));
  } catch (const std::bad_alloc&) {  // the copy of the arguments did not fit
    return hand_out(error_envelope_for_current_exception());
  }
}

std::size_t heap_bytes_in_use() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;  // blocks in the arenas, and those mmapped on their own
#else
  return static_cast<std::size_t>(mallinfo().uordblks);
#endif
}

void release_text_in_memory() {
  answer_text = std::string();
  answer = {nullptr, 0};
}

}  // namespace truce::wasm
