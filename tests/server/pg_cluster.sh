#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `start DIR` runs initdb in a
# fresh folder under /tmp (the `postgres` user must reach it, and the checkout
# may sit under a folder only root can enter) and postgres on a free loopback
# port, then writes a libpq connection string to DIR/conninfo; `stop DIR`
# stops it and removes both folders. initdb and postgres refuse to run as
# root, so as root they run as the `postgres` user.
# fsync is off (a test cluster holds nothing worth a disk flush) unless
# TRUCE_PG_FSYNC=on, which the benchmark uses to measure a durable server.
# Without PostgreSQL's server binaries, start writes DIR/skip with the reason
# and succeeds: the tests then skip, saying why.
set -euo pipefail
action=$1
dir=$2

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
start)
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)" > "$dir/skip"
    cat "$dir/skip"
    exit 0
  fi
  cluster=$(mktemp -d /tmp/truce-pg-XXXXXX)
  echo "$cluster" > "$dir/cluster"
  chmod 755 "$cluster"
  if [ "$(id -u)" = 0 ]; then chown postgres "$cluster"; fi
  if ! as_owner "$bin/initdb" -D "$cluster/data" -A trust -U postgres --no-sync -E UTF8 > "$cluster/initdb.log" 2>&1; then
    cat "$cluster/initdb.log" >&2
    exit 1
  fi
  for attempt in $(seq 1 20); do
    port=$(( 20000 + RANDOM % 20000 ))
    if as_owner "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/postgres.log" -w -t 30 start \
         -o "-p $port -k $cluster -c listen_addresses=127.0.0.1 -c fsync=${TRUCE_PG_FSYNC:-off} -c max_connections=100" > /dev/null; then
      echo "host=127.0.0.1 port=$port user=postgres dbname=postgres connect_timeout=5" > "$dir/conninfo"
      echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($cluster)"
      exit 0
    fi
  done
  echo "could not start PostgreSQL; see $cluster/postgres.log" >&2
  cat "$cluster/postgres.log" >&2 || true
  exit 1
  ;;
stop)
  if [ -f "$dir/cluster" ]; then
    cluster=$(cat "$dir/cluster")
    if [ -n "$bin" ] && [ -d "$cluster/data" ]; then
      as_owner "$bin/pg_ctl" -D "$cluster/data" -m fast -w stop > /dev/null || true
    fi
    rm -rf "$cluster"
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: pg_cluster.sh start|stop DIR" >&2
  exit 2
  ;;
esac
