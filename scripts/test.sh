#!/usr/bin/env bash
# Installs what is missing, builds everything, and runs every test: GoogleTest,
# the shared vectors in both runtimes, node:test, tsc, the host over HTTP, the
# installed-package consumer; then the native tests again under ASan + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

prepare_everything
log "running the tests (native build)"
ctest --preset native
build_native asan
log "running the native tests under AddressSanitizer + UndefinedBehaviorSanitizer"
ctest --preset asan
