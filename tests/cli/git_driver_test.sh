#!/usr/bin/env bash
# `truce merge-file` as a git merge driver, registered the way the README shows:
# edits git's line merge would call a conflict merge cleanly, a real conflict
# leaves the file unmerged but valid JSON, and files added on both branches merge.
set -euo pipefail
truce=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CASE_SUBDIR=/repo  # git's log sits beside each case's repository
source "$(dirname "$0")/harness.sh"
# git's output, kept beside each case's repository so it never shows in `git status`.
log=../git-merge.log

# Keep the machine's git configuration (aliases, hooks, default branch) out of the test.
export HOME=$work GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

# new_repo [with-driver]: a repository on branch main in the current folder.
new_repo() {
  git init -q .
  git symbolic-ref HEAD refs/heads/main
  git config user.name "Truce Test"
  git config user.email "test@truce.invalid"
  if [ "${1:-}" = with-driver ]; then
    echo '*.json merge=json' >.gitattributes
    git config merge.json.name "Truce JSON merge"
    git config merge.json.driver "$(printf %q "$truce") merge-file %A %O %B"
    git add .gitattributes
  fi
}

commit_all() {
  git add -A
  git commit -q -m "$1"
}

# The shared history: main and feature each edit one key of tasks.json, on adjacent lines.
diverge_on_adjacent_lines() {
  printf '{\n  "title": "Groceries",\n  "owner": "ana",\n  "count": 1\n}\n' >tasks.json
  commit_all base
  git checkout -q -b feature
  sed -i 's/"ana"/"bo"/' tasks.json
  commit_all "feature: hand over to bo"
  git checkout -q main
  sed -i 's/"Groceries"/"Food"/' tasks.json
  commit_all "main: rename"
}

# The control: without the driver the same histories conflict, so a clean merge below proves the driver ran.
line_merge_conflicts_without_driver() {
  new_repo
  diverge_on_adjacent_lines
  if git merge -q --no-edit feature >"$log" 2>&1; then fail "git's line merge did not conflict"; fi
  grep -q '^<<<<<<<' tasks.json || fail "no conflict markers: $(cat tasks.json)"
}

driver_merges_adjacent_edits() {
  new_repo with-driver
  diverge_on_adjacent_lines
  git merge -q --no-edit feature >"$log" 2>&1 || fail "git merge failed: $(cat "$log")"
  json_check tasks.json 'd == {"title": "Food", "owner": "bo", "count": 1}'
  printf '{\n  "title": "Food",\n  "owner": "bo",\n  "count": 1\n}\n' | cmp -s - tasks.json ||
    fail "layout changed: $(cat tasks.json)"
  [ -z "$(git status --porcelain)" ] || fail "work tree not clean: $(git status --porcelain)"
  [ "$(git rev-list --count --merges HEAD)" = 1 ] || fail "no merge commit"
}

driver_conflict_leaves_file_unmerged() {
  new_repo with-driver
  printf '{\n  "title": "Groceries",\n  "count": 1\n}\n' >tasks.json
  commit_all base
  git checkout -q -b feature
  sed -i 's/"count": 1/"count": 2/' tasks.json
  commit_all "feature: two"
  git checkout -q main
  sed -i 's/"count": 1/"count": 3/' tasks.json
  commit_all "main: three"
  if git merge -q --no-edit feature >"$log" 2>&1; then fail "git merge succeeded despite a conflict"; fi
  grep -q 'truce merge-file: 1 conflict: /count (both_modified)' "$log" || fail "no summary: $(cat "$log")"
  # The branch being merged in is OTHER, so its value is kept until someone decides.
  json_check tasks.json 'd == {"title": "Groceries", "count": 2}'
  [ "$(git status --porcelain tasks.json)" = "UU tasks.json" ] ||
    fail "not unmerged: $(git status --porcelain)"
  [ "$(git diff --name-only --diff-filter=U)" = tasks.json ] || fail "git does not list tasks.json as unmerged"
}

driver_merges_file_added_on_both_branches() {
  new_repo with-driver
  echo 'seed' >README
  commit_all base
  git checkout -q -b feature
  printf '{\n    "theme": "dark",\n    "version": 1\n}\n' >settings.json
  commit_all "feature: settings"
  git checkout -q main
  printf '{\n    "lang": "en",\n    "version": 1\n}\n' >settings.json
  commit_all "main: settings"
  git merge -q --no-edit feature >"$log" 2>&1 || fail "git merge failed: $(cat "$log")"
  json_check settings.json 'd == {"theme": "dark", "lang": "en", "version": 1}'
}

run line_merge_conflicts_without_driver
run driver_merges_adjacent_edits
run driver_conflict_leaves_file_unmerged
run driver_merges_file_added_on_both_branches

summary git-driver
