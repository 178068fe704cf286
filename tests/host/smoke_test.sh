#!/usr/bin/env bash
# truce-host over real HTTP: it starts on a free loopback port, answers
# /healthz, serves the demo, rejects bad flags, and exits 0 on SIGTERM.
set -euo pipefail
host_bin=$1 static_dir=$2
log=$(mktemp)
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT

"$host_bin" --listen 127.0.0.1:0 --static "$static_dir" 2>"$log" &
pid=$!
for _ in $(seq 100); do
  url=$(grep -o '"url":"[^"]*"' "$log" | head -1 | cut -d'"' -f4) || true
  [ -n "${url:-}" ] && break
  sleep 0.05
done
[ -n "${url:-}" ] || { echo "host did not report its address"; cat "$log"; exit 1; }

health=$(curl -sf --max-time 5 "$url/healthz")
[ "$health" = '{"status":"ok"}' ] || { echo "unexpected /healthz: $health"; exit 1; }
curl -sf --max-time 5 "$url/" | grep -q '<title>Truce' || { echo "demo page not served"; exit 1; }
status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url/no-such-file")
[ "$status" = 404 ] || { echo "missing file gave $status"; exit 1; }

kill -TERM "$pid"
wait "$pid" && rc=0 || rc=$?
[ "$rc" = 0 ] || { echo "host exited $rc on SIGTERM"; cat "$log"; exit 1; }
grep -q '"event":"stopped"' "$log" || { echo "no stop log line"; exit 1; }

if "$host_bin" --listen nonsense 2>/dev/null; then echo "bad --listen accepted"; exit 1; fi
echo "host smoke: 1 passed, 0 failed"
