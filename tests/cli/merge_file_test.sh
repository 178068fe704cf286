#!/usr/bin/env bash
# `truce merge-file` end to end: merged output, exit statuses, the conflict
# report, layout preservation, rules, and that errors leave CURRENT alone.
set -euo pipefail
truce=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/harness.sh"

# json_equals FILE JSON: the file holds the same JSON value (object key order ignored).
json_equals() {
  python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1], encoding="utf-8")) != json.loads(sys.argv[2]))' "$1" "$2" ||
    fail "$1 holds $(cat "$1"), expected $2"
}

# merge ARGS...: runs truce merge-file in the case's folder; sets $status, stdout in out.txt, stderr in err.txt.
merge() {
  "$truce" merge-file "$@" >out.txt 2>err.txt && status=0 || status=$?
}

expect_status() {
  [ "$status" = "$1" ] || fail "exit status $status, expected $1; stderr: $(cat err.txt)"
}

clean_merge_of_disjoint_edits() {
  echo '{"title": "Groceries", "count": 1, "owner": "ana"}' >base.json
  echo '{"title": "Groceries!", "count": 1, "owner": "ana"}' >mine.json
  echo '{"title": "Groceries", "count": 2, "owner": "ana"}' >theirs.json
  merge mine.json base.json theirs.json
  expect_status 0
  json_equals mine.json '{"title": "Groceries!", "count": 2, "owner": "ana"}'
  [ ! -s err.txt ] || fail "clean merge wrote to stderr: $(cat err.txt)"
  [ ! -s out.txt ] || fail "merge without -p wrote to stdout"
  [ -z "$(find . -name '.*truce-*')" ] || fail "temporary file left behind"
}

conflict_keeps_theirs_and_is_reported() {
  echo '{"title": "Groceries", "count": 1}' >base.json
  echo '{"title": "Food", "count": 1}' >mine.json
  echo '{"title": "Shopping", "count": 5}' >theirs.json
  merge --report report.json mine.json base.json theirs.json
  expect_status 1
  json_equals mine.json '{"title": "Shopping", "count": 5}'
  json_check report.json 'd["clean"] is False and "merged" not in d and "stats" in d'
  json_check report.json 'd["conflicts"] == [{"path": "/title", "kind": "both_modified",
                                              "base": "Groceries", "mine": "Food", "theirs": "Shopping"}]'
  grep -qx 'truce merge-file: 1 conflict: /title (both_modified)' err.txt || fail "summary: $(cat err.txt)"
}

modify_delete_is_named_in_summary() {
  echo '{"a": 1, "b": 1}' >base.json
  echo '{"a": 2, "b": 2}' >mine.json
  echo '{"a": 3}' >theirs.json
  merge mine.json base.json theirs.json
  expect_status 2
  grep -qx 'truce merge-file: 2 conflicts: /a (both_modified), /b (modify_delete)' err.txt ||
    fail "summary: $(cat err.txt)"
  json_equals mine.json '{"a": 3}'
}

clean_report_says_clean() {
  echo '{"a": 1}' >base.json
  echo '{"a": 2}' >mine.json
  cp base.json theirs.json
  merge --report=report.json mine.json base.json theirs.json
  expect_status 0
  json_check report.json 'd["conflicts"] == [] and d["clean"] is True and "merged" not in d'
}

stdout_leaves_current_untouched() {
  printf '{"a": 1, "b": 1}' >base.json
  printf '{"a": 2, "b": 1}' >mine.json
  printf '{"a": 1, "b": 2}' >theirs.json
  cp mine.json mine.before
  for flag in -p --stdout; do
    merge "$flag" mine.json base.json theirs.json
    expect_status 0
    cmp -s mine.json mine.before || fail "$flag changed CURRENT"
    [ "$(cat out.txt)" = '{"a":2,"b":2}' ] || fail "$flag printed $(cat out.txt)"
  done
}

# expect_layout NAME CURRENT_TEXT EXPECTED_TEXT (printf %b escapes): merges CURRENT (written in some
# layout) with a compact base and other, and compares the exact bytes.
expect_layout() {
  printf '{"k":{"a":1,"b":[1,2]},"s":"x"}' >base.json
  printf '{"k":{"a":1,"b":[1,2]},"s":"y"}' >theirs.json
  printf '%b' "$2" >"$1.json"
  printf '%b' "$3" >"$1.expected"
  merge "$1.json" base.json theirs.json
  expect_status 0
  cmp -s "$1.json" "$1.expected" || fail "$1 layout: got $(od -c "$1.json"), expected $(od -c "$1.expected")"
}

layout_follows_current() {
  expect_layout two_spaces '{\n  "k": {\n    "a": 2,\n    "b": [\n      1,\n      2\n    ]\n  },\n  "s": "x"\n}\n' \
    '{\n  "k": {\n    "a": 2,\n    "b": [\n      1,\n      2\n    ]\n  },\n  "s": "y"\n}\n'
  expect_layout four_spaces '{\n    "k": {\n        "a": 2,\n        "b": [1, 2]\n    },\n    "s": "x"\n}' \
    '{\n    "k": {\n        "a": 2,\n        "b": [\n            1,\n            2\n        ]\n    },\n    "s": "y"\n}'
  expect_layout tabs '{\n\t"k": {\n\t\t"a": 2,\n\t\t"b": [\n\t\t\t1,\n\t\t\t2\n\t\t]\n\t},\n\t"s": "x"\n}\n' \
    '{\n\t"k": {\n\t\t"a": 2,\n\t\t"b": [\n\t\t\t1,\n\t\t\t2\n\t\t]\n\t},\n\t"s": "y"\n}\n'
  expect_layout compact '{"k": {"a": 2, "b": [1, 2]}, "s": "x"}' '{"k":{"a":2,"b":[1,2]},"s":"y"}'
  expect_layout compact_newline '{"k":{"a":2,"b":[1,2]},"s":"x"}\n' '{"k":{"a":2,"b":[1,2]},"s":"y"}\n'
  expect_layout crlf '{\r\n  "k": {\r\n    "a": 2,\r\n    "b": [1, 2]\r\n  },\r\n  "s": "x"\r\n}\r\n' \
    '{\r\n  "k": {\r\n    "a": 2,\r\n    "b": [\r\n      1,\r\n      2\r\n    ]\r\n  },\r\n  "s": "y"\r\n}\r\n'
}

non_ascii_stays_utf8() {
  echo '{"name": "cafe", "note": "naïve"}' >base.json
  echo '{"name": "café", "note": "naïve"}' >mine.json
  echo '{"name": "cafe", "note": "naïve 日本"}' >theirs.json
  merge mine.json base.json theirs.json
  expect_status 0
  [ "$(cat mine.json)" = '{"name":"café","note":"naïve 日本"}' ] || fail "got $(cat mine.json)"
}

invalid_json_is_an_error_and_writes_nothing() {
  echo '{"a": 1}' >base.json
  echo '{"a": 2}' >mine.json
  printf '{"a": 1,,}' >broken.json
  cp mine.json mine.before
  merge --report report.json mine.json base.json broken.json
  expect_status 255
  grep -q '^truce merge-file: INVALID_JSON in broken.json at byte [0-9]*: ' err.txt || fail "message: $(cat err.txt)"
  [ "$(wc -l <err.txt)" = 1 ] || fail "message is not one line: $(cat err.txt)"
  cmp -s mine.json mine.before || fail "CURRENT changed"
  [ ! -e report.json ] || fail "report written on error"

  merge mine.json broken.json base.json
  expect_status 255
  grep -q 'INVALID_JSON in broken.json' err.txt || fail "message: $(cat err.txt)"

  cp broken.json current.json
  merge current.json base.json mine.json
  expect_status 255
  grep -q 'INVALID_JSON in current.json' err.txt || fail "message: $(cat err.txt)"
  cmp -s current.json broken.json || fail "invalid CURRENT changed"
  [ -z "$(find . -name '.*truce-*')" ] || fail "temporary file left behind"
}

bad_usage_is_an_error() {
  echo '{}' >a.json
  merge a.json a.json
  expect_status 255
  grep -q '^truce merge-file: expected 3 files' err.txt || fail "message: $(cat err.txt)"
  merge --frobnicate a.json a.json a.json
  expect_status 255
  grep -q "unknown option '--frobnicate'" err.txt || fail "message: $(cat err.txt)"
  merge a.json missing.json a.json
  expect_status 255
  grep -q '^truce merge-file: cannot read missing.json: ' err.txt || fail "message: $(cat err.txt)"
  merge --report
  expect_status 255
  merge --help
  expect_status 0
  grep -q '^usage: truce merge-file' out.txt || fail "help: $(cat out.txt)"
  "$truce" --help >out.txt || fail "truce --help failed"
  grep -q merge-file out.txt || fail "truce --help: $(cat out.txt)"
  "$truce" frobnicate 2>err.txt && status=0 || status=$?
  expect_status 255
  grep -q '^usage: truce' err.txt || fail "unknown command: $(cat err.txt)"
}

set_rule_merges_tag_additions() {
  echo '{"tasks": [{"id": 1, "tags": ["home"]}]}' >base.json
  echo '{"tasks": [{"id": 1, "tags": ["home", "urgent"]}]}' >mine.json
  echo '{"tasks": [{"id": 1, "tags": ["home", "errand"]}]}' >theirs.json
  cp mine.json mine.before
  # Without the rule, both insertions at the same place are a sequence conflict.
  merge -p mine.json base.json theirs.json
  [ "$status" != 0 ] || fail "expected a conflict without the set rule"
  echo '{"rules": {"/tasks/*/tags": "set"}, "onConflict": "report"}' >rules.json
  merge --rules rules.json mine.json base.json theirs.json
  expect_status 0
  json_check mine.json 'sorted(d["tasks"][0]["tags"]) == ["errand", "home", "urgent"]'

  echo '{"rules": {"/tasks/*/tags": "bag"}}' >bad_rules.json
  cp mine.before mine.json
  merge --rules bad_rules.json mine.json base.json theirs.json
  expect_status 255
  grep -q '^truce merge-file: INVALID_ARGUMENT in bad_rules.json: ' err.txt || fail "message: $(cat err.txt)"
  cmp -s mine.json mine.before || fail "CURRENT changed"
}

on_conflict_mine_settles_conflicts() {
  echo '{"a": 1}' >base.json
  echo '{"a": 2}' >mine.json
  echo '{"a": 3}' >theirs.json
  echo '{"onConflict": "mine"}' >rules.json
  merge --rules rules.json --report report.json mine.json base.json theirs.json
  expect_status 0
  json_equals mine.json '{"a": 2}'
  json_check report.json 'd["conflicts"][0]["path"] == "/a"'
  grep -q "1 conflict resolved with CURRENT's values: /a" err.txt || fail "summary: $(cat err.txt)"
}

exit_status_is_capped_at_127() {
  python3 - <<'EOF'
import json
for name, value in (("base", 0), ("mine", 1), ("theirs", 2)):
    json.dump({f"k{i}": value for i in range(200)}, open(f"{name}.json", "w"))
EOF
  merge --report report.json mine.json base.json theirs.json
  expect_status 127
  json_check report.json 'len(d["conflicts"]) == 200'
  grep -q '^truce merge-file: 200 conflicts: /k0 (both_modified), .*, and 190 more$' err.txt ||
    fail "summary: $(cat err.txt)"
}

empty_base_means_no_common_ancestor() {
  : >base.json
  echo '{"a": 1, "same": true}' >mine.json
  echo '{"b": 2, "same": true}' >theirs.json
  merge mine.json base.json theirs.json
  expect_status 0
  json_equals mine.json '{"a": 1, "b": 2, "same": true}'
}

permissions_survive_the_rewrite() {
  echo '{"a": 1}' >base.json
  echo '{"a": 2}' >mine.json
  cp base.json theirs.json
  chmod 640 mine.json
  ln -s mine.json link.json
  merge link.json base.json theirs.json
  expect_status 0
  [ -L link.json ] || fail "the symbolic link was replaced"
  [ "$(stat -c %a mine.json)" = 640 ] || fail "mode is now $(stat -c %a mine.json)"
}

run clean_merge_of_disjoint_edits
run conflict_keeps_theirs_and_is_reported
run modify_delete_is_named_in_summary
run clean_report_says_clean
run stdout_leaves_current_untouched
run layout_follows_current
run non_ascii_stays_utf8
run invalid_json_is_an_error_and_writes_nothing
run bad_usage_is_an_error
run set_rule_merges_tag_additions
run on_conflict_mine_settles_conflicts
run exit_status_is_capped_at_127
run empty_base_means_no_common_ancestor
run permissions_survive_the_rewrite

summary merge-file
