#!/usr/bin/env bash
# clang-tidy over core/ and native/ with the checks in .clang-tidy; any
# finding fails (WarningsAsErrors). Configures build/tidy for its compile
# commands only: nothing is built.
#   scripts/tidy.sh [FILE...]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build/tidy -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DTRUCE_BUILD_TESTS=OFF -DTRUCE_BUILD_BENCH=OFF -DTRUCE_JS_TESTS=OFF >/dev/null
if [ $# -eq 0 ]; then
  mapfile -t files < <(git ls-files 'core/src/*.cpp' 'native/*.cpp' | grep -v '^native/examples/')
else
  files=("$@")
fi
echo "clang-tidy: ${#files[@]} files"
run-clang-tidy -quiet -p build/tidy -j "$(nproc)" "${files[@]/#/$PWD/}" >build/tidy/report.txt 2>&1 || true
if grep -E '(warning|error): ' build/tidy/report.txt | grep -v '^Error while processing'; then
  echo "clang-tidy: findings above (full report: build/tidy/report.txt)"
  exit 1
fi
echo "clang-tidy: no findings"
