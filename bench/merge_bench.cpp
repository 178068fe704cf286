// The native side of the merge benchmark (bench/merge/README.md):
//
//   truce_bench_merge BASE MINE THEIRS [--repeat N] [--warmup W] [--out FILE]
//
// Reads the three files once, then N times parses the three texts, merges
// them (handing the parsed documents over to merge(Document&&...), as a
// server that needs them no more does) and serializes the result
// (to_json_text): the whole job a server does with a request body. Prints one JSON line:
//   {"medianMs": x, "peakRssKiB": y, "conflicts": n, "runs": N,
//    "parseMs": p, "mergeMs": m, "serializeMs": s}
// medianMs is the median of whole rounds (freeing the documents included);
// the last three are the medians of each phase (parsing the three texts,
// merge, to_json_text). peakRssKiB is getrusage(RUSAGE_SELF).ru_maxrss for
// the whole process (the three input texts included). --warmup runs W untimed
// rounds first; --out writes the merged text of the last round (for checking
// correctness). Errors print {"error": "..."} and exit with status 1.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "truce/error.hpp"
#include "truce/json.hpp"
#include "truce/merge.hpp"
#include "truce/merge_json.hpp"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

int to_count(const char* flag, const char* value) {
  char* end = nullptr;
  const long n = std::strtol(value, &end, 10);
  if (*value == '\0' || *end != '\0' || n < 0 || n > 1000000) throw std::runtime_error(std::string("bad value for ") + flag);
  return static_cast<int>(n);
}

std::string json_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

int usage() {
  std::fprintf(stderr, "usage: truce_bench_merge BASE MINE THEIRS [--repeat N] [--warmup W] [--out FILE]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  int repeat = 5;
  int warmup = 0;
  std::string out_path;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if ((arg == "--repeat" || arg == "--warmup" || arg == "--out") && i + 1 < argc) {
        if (arg == "--repeat") repeat = to_count("--repeat", argv[++i]);
        else if (arg == "--warmup") warmup = to_count("--warmup", argv[++i]);
        else out_path = argv[++i];
      } else if (arg.rfind("--", 0) == 0) {
        return usage();
      } else {
        files.push_back(arg);
      }
    }
    if (files.size() != 3 || repeat < 1) return usage();

    const std::string base_text = read_file(files[0]);
    const std::string mine_text = read_file(files[1]);
    const std::string theirs_text = read_file(files[2]);

    std::string merged_text, document_text;
    std::size_t conflicts = 0, copied = 0;
    using Clock = std::chrono::steady_clock;
    const auto ms = [](Clock::time_point a, Clock::time_point b) {
      return std::chrono::duration<double, std::milli>(b - a).count();
    };
    std::vector<double> total, documents, parse, merge, serialize;
    // The whole job from texts: merge_json.
    const auto texts_round = [&](bool timed) {
      const auto t0 = Clock::now();
      {
        truce::JsonMergeResult result = truce::merge_json(base_text, mine_text, theirs_text);
        merged_text = std::move(result.merged_text);
        conflicts = result.conflicts.size();
        copied = result.items_copied_as_text;
      }
      const auto t1 = Clock::now();
      if (timed) total.push_back(ms(t0, t1));
    };
    // The same job through whole documents, by phase. A round ends after the
    // documents are freed: that is part of the job too.
    const auto documents_round = [&](bool timed) {
      Clock::time_point t0, t1, t2, t3;
      {
        t0 = Clock::now();
        truce::Document base = truce::parse_json(base_text);
        truce::Document mine = truce::parse_json(mine_text);
        truce::Document theirs = truce::parse_json(theirs_text);
        t1 = Clock::now();
        const truce::MergeResult result = truce::merge(std::move(base), std::move(mine), std::move(theirs));
        t2 = Clock::now();
        document_text = truce::to_json_text(result.merged);
        t3 = Clock::now();
      }
      const auto t4 = Clock::now();
      if (!timed) return;
      documents.push_back(ms(t0, t4));
      parse.push_back(ms(t0, t1));
      merge.push_back(ms(t1, t2));
      serialize.push_back(ms(t2, t3));
    };

    for (int i = 0; i < warmup; ++i) {
      texts_round(false);
      documents_round(false);
    }
    for (int i = 0; i < repeat; ++i) {
      texts_round(true);
      documents_round(true);
    }
    if (merged_text != document_text) throw std::runtime_error("merge_json and the document path disagree");

    if (!out_path.empty()) write_file(out_path, merged_text);

    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf(
        "{\"medianMs\": %.3f, \"peakRssKiB\": %ld, \"conflicts\": %zu, \"runs\": %d, \"itemsCopiedAsText\": %zu, "
        "\"documentsMs\": %.3f, \"parseMs\": %.3f, \"mergeMs\": %.3f, \"serializeMs\": %.3f}\n",
        median_of(total), static_cast<long>(usage.ru_maxrss), conflicts, repeat, copied, median_of(documents),
        median_of(parse), median_of(merge), median_of(serialize));
    return 0;
  } catch (const truce::Error& e) {
    std::printf("{\"error\": \"%s: %s\"}\n", std::string(e.code_name()).c_str(), json_escape(e.message()).c_str());
  } catch (const std::exception& e) {
    std::printf("{\"error\": \"%s\"}\n", json_escape(e.what()).c_str());
  }
  return 1;
}
