// The document type against nlohmann::json (unordered, std::map) and
// nlohmann::ordered_json (ordered, linear lookups) on the shapes that hurt:
// one very wide object, and many small ones. Run: see bench/README.md.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>
#include <string>

#include "truce/json.hpp"

namespace {

std::string wide_object(int keys) {
  std::string text = "{";
  for (int i = 0; i < keys; ++i)
    text += (i ? ",\"key-" : "\"key-") + std::to_string(i * 7919 % 1000003) + "\":" + std::to_string(i);
  return text + "}";
}

std::string many_small_objects(int count) {
  std::string text = "[";
  for (int i = 0; i < count; ++i)
    text += (i ? "," : "") + std::string(R"({"id":")") + std::to_string(i) +
            R"(","title":"Task","status":"todo","estimate":3,"tags":["a","b"],"assignee":null})";
  return text + "]";
}

template <class Parse>
void parse_benchmark(benchmark::State& state, const std::string& text, Parse parse) {
  for (auto _ : state) benchmark::DoNotOptimize(parse(text));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}

void truce_wide(benchmark::State& state) {
  parse_benchmark(state, wide_object(static_cast<int>(state.range(0))),
                  [](const std::string& t) { return truce::parse_json(t); });
}
void nlohmann_wide(benchmark::State& state) {
  parse_benchmark(state, wide_object(static_cast<int>(state.range(0))),
                  [](const std::string& t) { return nlohmann::json::parse(t); });
}
void ordered_wide(benchmark::State& state) {
  parse_benchmark(state, wide_object(static_cast<int>(state.range(0))),
                  [](const std::string& t) { return nlohmann::ordered_json::parse(t); });
}
void truce_small(benchmark::State& state) {
  parse_benchmark(state, many_small_objects(static_cast<int>(state.range(0))),
                  [](const std::string& t) { return truce::parse_json(t); });
}
void nlohmann_small(benchmark::State& state) {
  parse_benchmark(state, many_small_objects(static_cast<int>(state.range(0))),
                  [](const std::string& t) { return nlohmann::json::parse(t); });
}

void wide_lookup(benchmark::State& state) {
  const truce::Document doc = truce::parse_json(wide_object(100000));
  int i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(doc.find("key-" + std::to_string((i++ % 100000) * 7919 % 1000003)));
}

}  // namespace

BENCHMARK(truce_wide)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(nlohmann_wide)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(ordered_wide)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(truce_small)->Arg(20000)->Unit(benchmark::kMillisecond);
BENCHMARK(nlohmann_small)->Arg(20000)->Unit(benchmark::kMillisecond);
BENCHMARK(wide_lookup);

BENCHMARK_MAIN();
