#!/usr/bin/env bash
# Installs what is missing, builds everything, and runs every test: GoogleTest,
# the shared vectors in both runtimes, node:test, tsc, the host over HTTP, the
# installed-package consumer; clang-tidy over core/ and native/; the native
# tests again under ASan + UBSan (LeakSanitizer on); then every libFuzzer
# harness over its regression inputs and for a short bounded run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

prepare_everything
log "running the tests (native build)"
ctest --preset native
log "clang-tidy over core/ and native/"
scripts/tidy.sh
build_native asan
log "running the native tests under AddressSanitizer + UndefinedBehaviorSanitizer"
ctest --preset asan
log "fuzzing: each harness over its regressions, then ${TRUCE_FUZZ_SECONDS:-30} s"
scripts/fuzz.sh "${TRUCE_FUZZ_SECONDS:-30}"
