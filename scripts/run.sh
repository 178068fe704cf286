#!/usr/bin/env bash
# The main job: installs what is missing, builds everything, and starts
# truce-host on http://127.0.0.1:8080 serving the web demo (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

prepare_everything
log "starting truce-host on http://127.0.0.1:8080"
exec build/native/native/truce-host --listen "${TRUCE_LISTEN:-127.0.0.1:8080}" \
  --store "sqlite:${TRUCE_DB:-build/truce.db}" --static web-demo --mount /truce=js/dist
