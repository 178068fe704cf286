#include "merge_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "indent.hpp"
#include "truce/error.hpp"
#include "truce/json.hpp"
#include "truce/merge.hpp"

namespace truce::cli {
namespace {

// A failure worth one line on stderr and exit status 255.
class CommandError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MergeFileArgs {
  bool help = false;
  bool to_stdout = false;
  std::optional<std::string> report_path;
  std::optional<std::string> rules_path;
  std::vector<std::string> files;  // CURRENT BASE OTHER
};

// Accepts "--flag VALUE" and "--flag=VALUE"; returns nullopt when `args[index]` is not `flag`.
std::optional<std::string> take_value(const std::vector<std::string>& args, std::size_t& index, std::string_view flag) {
  const std::string& arg = args[index];
  if (arg.size() > flag.size() && arg.compare(0, flag.size(), flag) == 0 && arg[flag.size()] == '=') {
    return arg.substr(flag.size() + 1);
  }
  if (arg != flag) return std::nullopt;
  if (index + 1 == args.size()) throw CommandError(std::string(flag) + " needs a file name");
  return args[++index];
}

MergeFileArgs parse_args(const std::vector<std::string>& args) {
  MergeFileArgs parsed;
  bool options_ended = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_ended || arg.size() < 2 || arg[0] != '-') {
      parsed.files.push_back(arg);
    } else if (arg == "--") {
      options_ended = true;
    } else if (arg == "-h" || arg == "--help") {
      parsed.help = true;
    } else if (arg == "-p" || arg == "--stdout") {
      parsed.to_stdout = true;
    } else if (auto report = take_value(args, i, "--report")) {
      parsed.report_path = std::move(report);
    } else if (auto rules = take_value(args, i, "--rules")) {
      parsed.rules_path = std::move(rules);
    } else {
      throw CommandError("unknown option '" + arg + "'; see 'truce merge-file --help'");
    }
  }
  if (!parsed.help && parsed.files.size() != 3) {
    throw CommandError("expected 3 files (CURRENT BASE OTHER), got " + std::to_string(parsed.files.size()) +
                       "; see 'truce merge-file --help'");
  }
  return parsed;
}

std::string error_text(int error_number) { return std::strerror(error_number); }

std::string read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw CommandError("cannot read " + path + ": " + error_text(errno));
  std::string contents;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      contents.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0) {
      break;
    } else if (errno != EINTR) {
      const int failure = errno;
      ::close(fd);
      throw CommandError("cannot read " + path + ": " + error_text(failure));
    }
  }
  ::close(fd);
  return contents;
}

// "INVALID_JSON in base.json at byte 12: syntax error ..."
std::string describe(const Error& error, const std::string& path) {
  std::string text(error.code_name());
  if (!path.empty()) text += " in " + path;
  if (const auto offset = error.details().find("offset");
      offset != error.details().end() && offset->is_number_unsigned()) {
    text += " at byte " + std::to_string(offset->get<std::size_t>());
  }
  return text + ": " + error.message();
}

Document parse_file(const std::string& path, const std::string& text, const ParseLimits& limits) {
  try {
    return parse_json(text, limits);
  } catch (const Error& error) {
    throw CommandError(describe(error, path));
  }
}

MergeOptions load_options(const std::optional<std::string>& rules_path) {
  if (!rules_path) return {};
  try {
    return MergeOptions::from_json(parse_file(*rules_path, read_file(*rules_path), {}));
  } catch (const Error& error) {
    throw CommandError(describe(error, *rules_path));
  }
}

// git hands a merge driver an empty ancestor when both branches added the
// file. Starting from an empty container of the sides' common type merges two
// added objects key by key instead of conflicting on the whole document.
Document missing_ancestor(const Document& mine, const Document& theirs) {
  if (mine.is_object() && theirs.is_object()) return Document::object();
  if (mine.is_array() && theirs.is_array()) return Document::array();
  return nullptr;
}

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// Writes through a temporary file in the same folder and renames it over
// `path`, so a crash or a full disk never leaves a half-written file. An
// existing file keeps its permissions; a symlink keeps pointing at it.
void write_file_atomically(const std::string& path, std::string_view contents) {
  namespace fs = std::filesystem;
  std::error_code ignored;
  fs::path target = path;
  if (fs::is_symlink(target, ignored)) target = fs::canonical(target, ignored);
  if (target.empty()) throw CommandError("cannot write " + path + ": dangling symbolic link");

  mode_t mode = 0;
  struct stat existing;
  if (::stat(target.c_str(), &existing) == 0) {
    mode = existing.st_mode & 07777;
  } else {
    const mode_t umask_bits = ::umask(0);
    ::umask(umask_bits);
    mode = 0666 & ~umask_bits;
  }

  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string temp_path = (folder / ("." + target.filename().string() + ".truce-XXXXXX")).string();
  const int fd = ::mkstemp(temp_path.data());
  if (fd < 0) throw CommandError("cannot write " + path + ": " + error_text(errno));

  int failure = 0;
  for (std::size_t written = 0; failure == 0 && written < contents.size();) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n >= 0) {
      written += static_cast<std::size_t>(n);
    } else if (errno != EINTR) {
      failure = errno;
    }
  }
  if (failure == 0 && ::fchmod(fd, mode) != 0) failure = errno;
  if (failure == 0 && ::fsync(fd) != 0) failure = errno;
  if (::close(fd) != 0 && failure == 0) failure = errno;
  if (failure == 0 && ::rename(temp_path.c_str(), target.c_str()) != 0) failure = errno;
  if (failure != 0) {
    ::unlink(temp_path.c_str());
    throw CommandError("cannot write " + path + ": " + error_text(failure));
  }
}

std::string report_text(const MergeResult& result) {
  Document report = result.to_json();
  report.erase("merged");
  return to_json_text(report, 2) + "\n";
}

// "2 conflicts: /a (both_modified), /b (modify_delete)": enough to see what
// happened; the full list is what --report is for.
std::string conflict_summary(const std::vector<Conflict>& conflicts, OnConflict policy) {
  constexpr std::size_t kListed = 10;
  std::string text = std::to_string(conflicts.size()) + (conflicts.size() == 1 ? " conflict" : " conflicts");
  if (policy == OnConflict::Mine) text += " resolved with CURRENT's values";
  if (policy == OnConflict::Theirs) text += " resolved with OTHER's values";
  text += ":";
  const std::size_t listed = std::min(conflicts.size(), kListed);
  for (std::size_t i = 0; i < listed; ++i) {
    const Conflict& conflict = conflicts[i];
    text += (i == 0 ? " " : ", ") + (conflict.path.empty() ? std::string("(root)") : conflict.path) + " (" +
            std::string(conflict_kind_name(conflict.kind)) + ")";
  }
  if (conflicts.size() > listed) text += ", and " + std::to_string(conflicts.size() - listed) + " more";
  return text;
}

int merge_files(const MergeFileArgs& args, std::ostream& out, std::ostream& err) {
  const std::string& current_path = args.files[0];
  const std::string& base_path = args.files[1];
  const std::string& other_path = args.files[2];

  const MergeOptions options = load_options(args.rules_path);
  const ParseLimits limits{options.max_depth, ParseLimits{}.max_bytes};
  const std::string current_text = read_file(current_path);
  const std::string base_text = read_file(base_path);
  const Document mine = parse_file(current_path, current_text, limits);
  const Document theirs = parse_file(other_path, read_file(other_path), limits);
  const Document base = is_blank(base_text) ? missing_ancestor(mine, theirs) : parse_file(base_path, base_text, limits);

  MergeResult result;
  std::string merged_text;
  try {
    result = merge(base, mine, theirs, options);
    merged_text = format_json(result.merged, detect_text_style(current_text));
  } catch (const Error& error) {
    throw CommandError(describe(error, ""));
  }

  if (args.report_path) write_file_atomically(*args.report_path, report_text(result));
  if (args.to_stdout) {
    out << merged_text << std::flush;
    if (!out) throw CommandError("cannot write to standard output");
  } else {
    write_file_atomically(current_path, merged_text);
  }

  if (result.clean()) return 0;
  err << "truce merge-file: " << conflict_summary(result.conflicts, options.on_conflict) << "\n";
  // "mine" / "theirs" settle every conflict, as `git merge-file --ours` does: nothing is left for a person to decide.
  if (options.on_conflict != OnConflict::Report) return 0;
  return static_cast<int>(std::min<std::size_t>(result.conflicts.size(), kMaxConflictStatus));
}

}  // namespace

std::string merge_file_usage() {
  return R"(usage: truce merge-file [-p|--stdout] [--report FILE] [--rules FILE] CURRENT BASE OTHER

Carries the changes from BASE to OTHER into CURRENT, value by value rather than
line by line, and writes the result over CURRENT. The result is always a valid
JSON document, laid out like CURRENT; where both sides changed the same value it
holds OTHER's value and the conflict is reported. An empty BASE means the files
have no common ancestor.

  -p, --stdout    write the result to standard output; CURRENT is left as it is
  --report FILE   write the conflicts as JSON: {"conflicts": [...], "clean", "stats"}
  --rules FILE    merge options as JSON, e.g.
                  {"rules": {"/tasks/*/tags": "set"}, "onConflict": "report"}
                  ("onConflict": "mine" or "theirs" settles conflicts that way)
  -h, --help      show this help

Exit status: 0 when clean, else the number of conflicts left (at most 127);
255 on error, with nothing written.

As a git merge driver for JSON files:
  echo '*.json merge=json' >> .gitattributes
  git config merge.json.name "Truce JSON merge"
  git config merge.json.driver "truce merge-file %A %O %B"
)";
}

int run_merge_file(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    const MergeFileArgs parsed = parse_args(args);
    if (parsed.help) {
      out << merge_file_usage();
      return 0;
    }
    return merge_files(parsed, out, err);
  } catch (const std::exception& error) {
    // CommandError and anything unforeseen alike: callers expect one line and status 255, never a crash.
    err << "truce merge-file: " << error.what() << "\n";
  }
  return kExitError;
}

}  // namespace truce::cli
