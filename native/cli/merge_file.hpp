#pragma once
// `truce merge-file`: a three-way JSON merge with the command line and exit
// status of `git merge-file`, so it can serve as a git merge driver
// (`merge.json.driver = truce merge-file %A %O %B`).

#include <ostream>
#include <string>
#include <vector>

namespace truce::cli {

// Exit statuses, as `git merge-file` uses them.
constexpr int kExitError = 255;
constexpr int kMaxConflictStatus = 127;

std::string merge_file_usage();

// `args` are the words after "merge-file". Returns the exit status: 0 when
// clean, the number of unresolved conflicts (at most 127), or 255 on error.
int run_merge_file(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace truce::cli
