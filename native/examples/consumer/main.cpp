// Server-side validation of a conditional write, as a consumer of the
// installed package would write it. Exits 0 only when every check agrees.
#include <iostream>
#include <truce/truce.hpp>

int main() {
  const auto expected = truce::expected_from_headers(std::string_view("\"2\""), std::nullopt);
  const auto conflict = truce::check_version(*expected, truce::Version{3});
  if (!conflict) return 1;
  std::cout << conflict->to_problem_json().dump() << "\n";
  const bool ok = conflict->code() == truce::Code::VersionConflict && conflict->status() == 409 &&
                  conflict->message() == "Expected version 2, resource is at version 3" &&
                  truce::next_version(truce::Version{3}) == 4;
  return ok ? 0 : 1;
}
