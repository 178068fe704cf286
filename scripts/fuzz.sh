#!/usr/bin/env bash
# Builds the libFuzzer harnesses (the fuzz preset: clang, ASan + UBSan) and
# runs each for SECONDS (default 60): first over its regression inputs
# (tests/fuzz/regressions/<harness>/, every crash ever found), then fuzzing a
# corpus seeded from the shared vectors and the JSON Patch conformance suite.
# Crashes are written to build/fuzz/findings/<harness>/; exit status 1 if any.
#   scripts/fuzz.sh [SECONDS] [HARNESS...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(fuzz_json fuzz_merge fuzz_patch fuzz_headers fuzz_host)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
node tests/fuzz/seeds.mjs build/fuzz/seeds >/dev/null
status=0
for harness in "${harnesses[@]}"; do
  binary=build/fuzz/tests/fuzz/$harness
  corpus=build/fuzz/corpus/$harness
  findings=build/fuzz/findings/$harness
  mkdir -p "$corpus" "$findings"
  regressions=tests/fuzz/regressions/$harness
  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    "$binary" "$regressions"/* >/dev/null 2>&1 || { echo "$harness: a regression input fails again"; status=1; }
  fi
  echo "== $harness: ${seconds} s"
  if ! "$binary" "$corpus" build/fuzz/seeds/"$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$findings/" -print_final_stats=1 2>"$findings/log.txt"; then
    status=1
    grep -E "property failed|ERROR|SUMMARY" "$findings/log.txt" | head -5
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$findings/log.txt" | tr '\n' ' '
  echo
done
exit $status
