# Shared by the CLI tests (sourced): failing a case, JSON checks, and running
# each case in its own folder as a background job, so errexit stays on inside
# it (bash ignores it in functions called from a condition) and `fail` ends
# only that case. The sourcing script sets $work, and CASE_SUBDIR when a case
# runs in a subfolder of its own folder; it ends with `summary NAME`.
passed=0 failed=0

fail() {
  echo "$*" >&2
  exit 1
}

# json_check FILE EXPR: EXPR (Python, over the parsed document `d`) is true.
json_check() {
  python3 -c 'import json, sys; d = json.load(open(sys.argv[1], encoding="utf-8")); sys.exit(not eval(sys.argv[2]))' "$1" "$2" ||
    fail "$1 fails '$2': $(cat "$1")"
}

run() {
  local name=$1
  mkdir -p "$work/$name${CASE_SUBDIR:-}"
  (cd "$work/$name${CASE_SUBDIR:-}" && "$name") >"$work/$name.log" 2>&1 &
  if wait $!; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name"
    sed 's/^/  /' "$work/$name.log"
  fi
}

summary() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" = 0 ]
}
