#include "truce/text_merge.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace truce {
namespace {

struct Region {
  std::size_t base_begin, base_end, mine_begin, mine_end, theirs_begin, theirs_end;
};

std::vector<Region> regions(const TextMergeResult& result) {
  std::vector<Region> out;
  for (const TextConflict& c : result.conflicts) {
    out.push_back({c.base_begin, c.base_end, c.mine_begin, c.mine_end, c.theirs_begin, c.theirs_end});
  }
  return out;
}

bool operator==(const Region& x, const Region& y) {
  return x.base_begin == y.base_begin && x.base_end == y.base_end && x.mine_begin == y.mine_begin &&
         x.mine_end == y.mine_end && x.theirs_begin == y.theirs_begin && x.theirs_end == y.theirs_end;
}

std::ostream& operator<<(std::ostream& out, const Region& r) {
  return out << "base[" << r.base_begin << "," << r.base_end << ") mine[" << r.mine_begin << "," << r.mine_end
             << ") theirs[" << r.theirs_begin << "," << r.theirs_end << ")";
}

// Asserts a clean merge and returns its text.
std::string clean_merge(std::string_view base, std::string_view mine, std::string_view theirs,
                        TextUnit unit = TextUnit::Lines) {
  const TextMergeResult result = merge_text(base, mine, theirs, unit);
  EXPECT_TRUE(result.clean()) << "first conflict at base byte " << result.conflicts.front().base_begin;
  return result.merged;
}

// ---- lines ---------------------------------------------------------------------

TEST(MergeText, DisjointLineEditsCombine) {
  EXPECT_EQ(clean_merge("a\nb\nc\nd\ne\n", "a\nB\nc\nd\ne\n", "a\nb\nc\nD\ne\n"), "a\nB\nc\nD\ne\n");
  EXPECT_EQ(clean_merge("a\nb\nc\n", "a\nb\nc\nd\n", "z\na\nb\nc\n"), "z\na\nb\nc\nd\n");
}

TEST(MergeText, SameEditOnBothSidesIsClean) {
  EXPECT_EQ(clean_merge("a\nb\nc\n", "a\nB\nc\n", "a\nB\nc\n"), "a\nB\nc\n");
  EXPECT_EQ(clean_merge("a\nb\nc\n", "a\nc\n", "a\nc\n"), "a\nc\n");
}

TEST(MergeText, ConflictKeepsTheirsAndReportsByteOffsets) {
  const TextMergeResult result = merge_text("one\ntwo\nthree\n", "one\n2\nthree\n", "one\nzwei\nthree\n");
  EXPECT_FALSE(result.clean());
  EXPECT_EQ(result.merged, "one\nzwei\nthree\n");
  EXPECT_EQ(regions(result), (std::vector<Region>{{4, 8, 4, 6, 4, 9}}));
}

TEST(MergeText, PreferMineKeepsMineInConflicts) {
  const TextMergeResult result =
      merge_text("one\ntwo\nthree\n", "one\n2\nthree\n", "one\nzwei\nthree\n", TextUnit::Lines, true);
  EXPECT_EQ(result.merged, "one\n2\nthree\n");
  EXPECT_EQ(regions(result), (std::vector<Region>{{4, 8, 4, 6, 4, 9}}));
}

TEST(MergeText, CleanRegionsAroundAConflictStillMerge) {
  const TextMergeResult result = merge_text("a\nb\nc\nd\ne\n", "A\nb\nmine\nd\ne\n", "a\nb\ntheirs\nd\nE\n");
  EXPECT_EQ(result.merged, "A\nb\ntheirs\nd\nE\n");
  EXPECT_EQ(regions(result), (std::vector<Region>{{4, 6, 4, 9, 4, 11}}));
}

TEST(MergeText, InsertionsAtTheSamePlaceConflict) {
  const TextMergeResult result = merge_text("a\nb\n", "a\nmine\nb\n", "a\ntheirs\nb\n");
  EXPECT_EQ(result.merged, "a\ntheirs\nb\n");
  EXPECT_EQ(regions(result), (std::vector<Region>{{2, 2, 2, 7, 2, 9}}));
}

TEST(MergeText, DeleteAgainstEditConflicts) {
  const TextMergeResult result = merge_text("a\nb\nc\n", "a\nc\n", "a\nB!\nc\n", TextUnit::Lines, true);
  EXPECT_EQ(result.merged, "a\nc\n");
  EXPECT_EQ(regions(result), (std::vector<Region>{{2, 4, 2, 2, 2, 5}}));
}

TEST(MergeText, AdjacentLineEditsConflict) {
  // No unchanged line between the two edits: git merge-file conflicts too.
  EXPECT_FALSE(merge_text("a\nb\nc\nd\n", "a\nB\nc\nd\n", "a\nb\nC\nd\n").clean());
}

// Found by the differential test below; each merged cleanly in git only.
TEST(MergeText, AUniqueLineDoesNotOutweighARunOfRepeatedOnes) {
  // Matching base's single "delta" to the one mine appended would leave the
  // "eps" lines unmatched; git's minimal diff keeps them.
  EXPECT_EQ(clean_merge("delta\neps\neps\n", "delta\neps\neps\ndelta\n", "zeta\neps\neps\ndelta\n"),
            "zeta\neps\neps\ndelta\n");
}

TEST(MergeText, AmbiguousDiffsAreResolvedLikeGit) {
  // Mine's diff has several minimal alignments. Git's replaces the first two
  // "eps" lines with "beta", so the third stays between that change and the
  // "eps" theirs adds after the run, and the two do not touch.
  EXPECT_EQ(clean_merge("eps\neps\neps\ndelta\nbeta\nalpha\n", "beta\neps\ndelta\ndelta\nbeta\nbeta\nalpha\n",
                        "eps\neps\neps\neps\ndelta\nbeta\nalpha\n"),
            "beta\neps\neps\ndelta\ndelta\nbeta\nbeta\nalpha\n");
}

TEST(MergeText, EmptyInputs) {
  EXPECT_EQ(clean_merge("", "", ""), "");
  EXPECT_EQ(clean_merge("", "x\n", ""), "x\n");
  EXPECT_EQ(clean_merge("", "", "y\n"), "y\n");
  EXPECT_EQ(clean_merge("a\nb\n", "", ""), "");
  EXPECT_EQ(clean_merge("a\n", "", "a\n"), "");

  const TextMergeResult result = merge_text("", "x\n", "y\n");
  EXPECT_EQ(result.merged, "y\n");
  EXPECT_EQ(regions(result), (std::vector<Region>{{0, 0, 0, 2, 0, 2}}));
}

TEST(MergeText, LastLineWithoutNewlineIsALine) {
  EXPECT_EQ(clean_merge("a\nb\nc", "A\nb\nc", "a\nb\nC"), "A\nb\nC");
  // Adding the missing newline changes that line.
  EXPECT_EQ(clean_merge("x\ny\nz", "X\ny\nz", "x\ny\nz\n"), "X\ny\nz\n");
  EXPECT_FALSE(merge_text("x\ny", "x\ny\n", "x\nY").clean());
}

TEST(MergeText, CrlfLinesKeepTheirTerminators) {
  EXPECT_EQ(clean_merge("a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n", "a\r\nb\r\nc\r\nd\r\n"), "a\r\nB\r\nc\r\nd\r\n");
  // A line ending changed to CRLF is an edit of that line.
  EXPECT_EQ(clean_merge("a\nx\nb\n", "a\r\nx\nb\n", "a\nx\nb\r\n"), "a\r\nx\nb\r\n");
  const TextMergeResult result = merge_text("a\nb\n", "a\r\nb\n", "A\nb\n");
  EXPECT_EQ(regions(result), (std::vector<Region>{{0, 2, 0, 3, 0, 2}}));
}

// ---- words ---------------------------------------------------------------------

TEST(MergeText, WordsMergeEditsInsideOneLine) {
  EXPECT_EQ(clean_merge("the quick brown fox", "the slow brown fox", "the quick brown cat", TextUnit::Words),
            "the slow brown cat");
  EXPECT_FALSE(merge_text("the quick brown fox", "the slow brown fox", "the quick brown cat").clean());
}

TEST(MergeText, WordsKeepWhitespaceExactly) {
  EXPECT_EQ(clean_merge("a  b\tc\r\n", "a  b\tC\r\n", "A  b\tc\r\n", TextUnit::Words), "A  b\tC\r\n");
  EXPECT_EQ(clean_merge("a\nb c", "a\nB c", "a\nb C", TextUnit::Words), "a\nB C");
  // Whitespace runs are units too: changing one is an edit.
  EXPECT_EQ(clean_merge("x y z", "x  y z", "x y Z", TextUnit::Words), "x  y Z");
}

TEST(MergeText, WordConflictsReportByteOffsets) {
  const TextMergeResult result = merge_text("keep old keep", "keep new keep", "keep other keep", TextUnit::Words);
  EXPECT_EQ(result.merged, "keep other keep");
  EXPECT_EQ(regions(result), (std::vector<Region>{{5, 8, 5, 8, 5, 10}}));
}

// ---- properties on random texts ------------------------------------------------

const char* const kVocabulary[] = {"alpha", "beta", "gamma", "delta", "epsilon", ""};

std::string random_line(std::mt19937& rng, int& fresh_lines) {
  // Now and then a line no other text has, as real edits mostly are.
  if (rng() % 8 == 0) return "line " + std::to_string(fresh_lines++) + "\n";
  return std::string(kVocabulary[rng() % std::size(kVocabulary)]) + "\n";
}

std::vector<std::string> random_lines(std::mt19937& rng, std::size_t count, int& fresh_lines) {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < count; ++i) lines.push_back(random_line(rng, fresh_lines));
  return lines;
}

// `lines` after random line inserts, deletes and replacements.
std::vector<std::string> edited(std::mt19937& rng, std::vector<std::string> lines, int edits, int& fresh_lines) {
  for (int e = 0; e < edits; ++e) {
    const auto at = [&](std::size_t bound) { return lines.begin() + static_cast<std::ptrdiff_t>(rng() % bound); };
    switch (lines.empty() ? 0 : rng() % 3) {
      case 0:
        lines.insert(at(lines.size() + 1), random_line(rng, fresh_lines));
        break;
      case 1:
        lines.erase(at(lines.size()));
        break;
      default:
        *at(lines.size()) = random_line(rng, fresh_lines);
        break;
    }
  }
  return lines;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line;
  return text;
}

// Texts of words and whitespace runs, for the Words unit.
std::string random_words(std::mt19937& rng, std::size_t count) {
  const char* const pieces[] = {"a", "bb", "ccc", " ", "  ", "\t", "\n", "\r\n"};
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += pieces[rng() % std::size(pieces)];
  return text;
}

std::string edited_words(std::mt19937& rng, std::string text) {
  const int edits = 1 + static_cast<int>(rng() % 3);
  for (int e = 0; e < edits; ++e) {
    const std::size_t at = rng() % (text.size() + 1);
    const std::size_t length = std::min<std::size_t>(rng() % 4, text.size() - at);
    text.replace(at, length, random_words(rng, rng() % 3));
  }
  return text;
}

TEST(MergeText, LawsHoldOnRandomLines) {
  std::mt19937 rng(41);
  int fresh_lines = 0;
  for (int round = 0; round < 300; ++round) {
    const auto base_lines = random_lines(rng, rng() % 15, fresh_lines);
    const std::string base = joined(base_lines);
    const std::string changed = joined(edited(rng, base_lines, 1 + static_cast<int>(rng() % 4), fresh_lines));
    SCOPED_TRACE("base:\n" + base + "changed:\n" + changed);
    EXPECT_EQ(clean_merge(base, changed, base), changed);
    EXPECT_EQ(clean_merge(base, base, changed), changed);
    EXPECT_EQ(clean_merge(base, changed, changed), changed);
  }
}

TEST(MergeText, LawsHoldOnRandomWords) {
  std::mt19937 rng(43);
  for (int round = 0; round < 300; ++round) {
    const std::string base = random_words(rng, rng() % 20);
    const std::string changed = edited_words(rng, base);
    SCOPED_TRACE("base: \"" + base + "\" changed: \"" + changed + "\"");
    EXPECT_EQ(clean_merge(base, changed, base, TextUnit::Words), changed);
    EXPECT_EQ(clean_merge(base, base, changed, TextUnit::Words), changed);
    EXPECT_EQ(clean_merge(base, changed, changed, TextUnit::Words), changed);
  }
}

TEST(MergeText, PreferMineMirrorsSwappingTheSides) {
  std::mt19937 rng(47);
  int fresh_lines = 0;
  for (int round = 0; round < 200; ++round) {
    const auto base_lines = random_lines(rng, rng() % 12, fresh_lines);
    const std::string base = joined(base_lines);
    const std::string mine = joined(edited(rng, base_lines, 1 + static_cast<int>(rng() % 3), fresh_lines));
    const std::string theirs = joined(edited(rng, base_lines, 1 + static_cast<int>(rng() % 3), fresh_lines));
    const TextMergeResult preferring_mine = merge_text(base, mine, theirs, TextUnit::Lines, true);
    const TextMergeResult swapped = merge_text(base, theirs, mine);
    EXPECT_EQ(preferring_mine.merged, swapped.merged);
    std::vector<Region> mirrored = regions(swapped);
    for (Region& r : mirrored) {
      std::swap(r.mine_begin, r.theirs_begin);
      std::swap(r.mine_end, r.theirs_end);
    }
    EXPECT_EQ(regions(preferring_mine), mirrored);
  }
}

// ---- differential test against git merge-file -----------------------------------

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "truce-text-merge-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct GitMerge {
  int exit_code;
  std::string output;
};

// `git merge-file -p mine base theirs` (current, base, other), isolated from
// the user's git configuration. Nothing when git cannot be run.
std::optional<GitMerge> git_merge_file(const std::filesystem::path& dir, const std::string& base,
                                       const std::string& mine, const std::string& theirs) {
  const auto write = [&dir](const char* name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
  };
  write("base", base);
  write("mine", mine);
  write("theirs", theirs);
  const std::string command = "cd '" + dir.string() +
                              "' && GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null "
                              "exec git merge-file -p mine base theirs 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  GitMerge merge{0, {}};
  char buffer[4096];
  for (std::size_t read = 0; (read = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    merge.output.append(buffer, read);
  const int status = pclose(pipe);
  if (status == -1 || !WIFEXITED(status)) return std::nullopt;
  merge.exit_code = WEXITSTATUS(status);
  // merge-file exits with the number of conflicts, or 255 on an error; the
  // shell's 127 means git was not found.
  if (merge.exit_code >= 127) return std::nullopt;
  return merge;
}

bool git_available() { return std::system("git --version > /dev/null 2>&1") == 0; }

std::string describe_case(const std::string& base, const std::string& mine, const std::string& theirs) {
  return "--- base\n" + base + "--- mine\n" + mine + "--- theirs\n" + theirs + "---";
}

// Random three-way cases on lines from a small vocabulary, so that repeated
// lines make the two-way diffs ambiguous: the differential test then checks
// that ties are broken like xdiff's. Theirs is an independent edit of base,
// an edit on top of mine (their changes overlap), or mine's edit exactly.
struct CaseGenerator {
  std::mt19937 rng;
  int fresh_lines = 0;

  void next(std::string& base, std::string& mine, std::string& theirs) {
    const auto base_lines = random_lines(rng, rng() % 17, fresh_lines);
    const auto mine_lines = edited(rng, base_lines, 1 + static_cast<int>(rng() % 3), fresh_lines);
    std::vector<std::string> theirs_lines;
    switch (rng() % 6) {
      case 0:
        theirs_lines = mine_lines;
        break;
      case 1:
        theirs_lines = edited(rng, mine_lines, 1 + static_cast<int>(rng() % 2), fresh_lines);
        break;
      default:
        theirs_lines = edited(rng, base_lines, 1 + static_cast<int>(rng() % 3), fresh_lines);
        break;
    }
    base = joined(base_lines);
    mine = joined(mine_lines);
    theirs = joined(theirs_lines);
  }
};

// Whenever git merges cleanly we do too, to the byte; whenever we merge
// cleanly git does too. Returns how many cases git merged cleanly.
int expect_agreement_with_git(CaseGenerator& cases, int count, bool drop_final_newlines) {
  const TempDir dir;
  EXPECT_FALSE(dir.path().empty()) << "cannot create a temporary directory";
  int git_clean = 0;
  for (int round = 0; round < count && !::testing::Test::HasFailure(); ++round) {
    std::string base, mine, theirs;
    cases.next(base, mine, theirs);
    if (drop_final_newlines) {
      for (std::string* text : {&base, &mine, &theirs}) {
        if (!text->empty() && cases.rng() % 2 == 0) text->pop_back();
      }
    }
    const std::optional<GitMerge> git = git_merge_file(dir.path(), base, mine, theirs);
    if (!git) {
      ADD_FAILURE() << "git merge-file failed to run";
      break;
    }
    const TextMergeResult ours = merge_text(base, mine, theirs);
    SCOPED_TRACE("case " + std::to_string(round) + "\n" + describe_case(base, mine, theirs));
    if (git->exit_code == 0) {
      ++git_clean;
      EXPECT_TRUE(ours.clean()) << "git merges cleanly to\n" << git->output;
      EXPECT_EQ(ours.merged, git->output);
    } else {
      EXPECT_FALSE(ours.clean()) << "git reports " << git->exit_code << " conflict(s); we merge to\n" << ours.merged;
    }
  }
  return git_clean;
}

TEST(MergeTextAgainstGit, CleanMergesAgreeByteForByte) {
  if (!git_available()) GTEST_SKIP() << "git is not installed";
  CaseGenerator cases{std::mt19937(20240501)};
  constexpr int kCases = 200;
  const int git_clean = expect_agreement_with_git(cases, kCases, false);
  // Both outcomes must be well represented for the comparison to mean much.
  EXPECT_GT(git_clean, kCases / 5);
  EXPECT_LT(git_clean, kCases - kCases / 5);
  RecordProperty("cases", kCases);
  RecordProperty("git_clean", git_clean);
}

TEST(MergeTextAgainstGit, LastLinesWithoutNewlineAgree) {
  if (!git_available()) GTEST_SKIP() << "git is not installed";
  CaseGenerator cases{std::mt19937(20240502)};
  constexpr int kCases = 50;
  const int git_clean = expect_agreement_with_git(cases, kCases, true);
  EXPECT_GT(git_clean, 0);
  RecordProperty("cases", kCases);
  RecordProperty("git_clean", git_clean);
}

}  // namespace
}  // namespace truce
