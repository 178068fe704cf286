# Shared by scripts/run.sh and scripts/test.sh: install what is missing on a
# Debian machine (as root), then build the native tree, the WASM module and
# the JS package. Sourced, not run.

APT_PACKAGES=(
  cmake make g++ pkg-config git curl ca-certificates
  nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcpp-httplib-dev libssl-dev zlib1g-dev libbrotli-dev
  libsqlite3-dev libpq-dev postgresql wrk
  emscripten chromium
  clang clang-tidy libclang-rt-14-dev
)

log() { printf '\n== %s\n' "$*"; }

install_missing_packages() {
  local missing=()
  for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

install_js_dependencies() {
  if [ ! -d js/node_modules ] || [ js/package-lock.json -nt js/node_modules/.package-lock.json ]; then
    log "installing the JS package's dependencies"
    # `npm install` from the lock, not `npm ci`: the registry this project can
    # reach lacks rollup's packages for other platforms, so the lock cannot
    # list them and `npm ci` refuses it as out of sync (docs/decisions.md).
    (cd js && npm install --no-save --no-audit --no-fund --loglevel=error)
  fi
}

# Emscripten's tools require Debian's acorn and friends.
export NODE_PATH=/usr/share/nodejs

build_native() {  # preset name: native | asan
  log "building the $1 preset"
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1"
}

build_wasm_and_js() {
  log "building the WASM module and the JS package"
  cmake --preset wasm >/dev/null
  cmake --build --preset wasm
  (cd js && node build.mjs)
}

prepare_everything() {
  install_missing_packages
  install_js_dependencies
  build_native native
  build_wasm_and_js
}
