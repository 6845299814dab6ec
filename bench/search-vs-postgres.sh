#!/usr/bin/env bash
# lexharmony search against PostgreSQL full-text search, on the same generated clauses and queries.
#
#   bash bench/search-vs-postgres.sh [--clauses 1000000] [other `bench search` options]
#
# One command: builds the `bench` binary (release), installs wrk and PostgreSQL with apt-get when
# they are missing (as root), starts a throwaway PostgreSQL cluster in a temporary folder listening
# on 127.0.0.1 only, runs `bench search --postgres` against it (index build, in-process latency,
# HTTP throughput with wrk, then PostgreSQL load, latency and throughput with pgbench), prints the
# Markdown report with both sides and the ratios, then stops the cluster and deletes the folder.
# Options are passed to `bench search` as they are (see `bench search --help`); --keep keeps the
# folder (index, TSV, pgbench logs) and prints its path; --dir DIR puts the index, TSV and pgbench
# files in DIR instead (kept; with --reuse-index a second run skips the index build). The report is also written to
# $LEXHARMONY_BENCH_REPORT when that is set.
#
# Needs: cargo, apt-get (or wrk and PostgreSQL already installed), about 6 GB of free disk in
# $TMPDIR and 3 GB of memory at 1,000,000 clauses. Takes 6 to 15 minutes at 1,000,000 clauses on
# a two-core machine.
set -euo pipefail

cd "$(dirname "$0")/.."
keep=0
own_dir=0
for a in "$@"; do
    [[ $a == --keep ]] && keep=1
    [[ $a == --dir || $a == --dir=* ]] && own_dir=1
done

say() { printf '%s\n' "$*" >&2; }

as_root() {
    if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi
}

# Tools.
if ! command -v wrk >/dev/null; then
    say "installing wrk"
    as_root apt-get install -y wrk >&2 || { as_root apt-get update >&2 && as_root apt-get install -y wrk >&2; }
fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z $pg_bin || ! -x $pg_bin/initdb || ! -x $pg_bin/pgbench ]]; then
    say "installing postgresql"
    as_root apt-get install -y postgresql >&2 || { as_root apt-get update >&2 && as_root apt-get install -y postgresql >&2; }
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
export PATH="$pg_bin:$PATH"

say "building the bench binary (release)"
cargo build --release --bin bench >&2
target_dir=${CARGO_TARGET_DIR:-target}
bench=$target_dir/release/bench

# A throwaway cluster: its own folder, loopback only, a free port, trust authentication (nothing
# else can reach it). PostgreSQL refuses to run as root: as root, the cluster runs as `postgres`.
work=$(mktemp -d "${TMPDIR:-/tmp}/lexharmony-search-vs-pg.XXXXXX")
chmod 755 "$work"
mkdir -p "$work/pg" "$work/bench"
run_pg=()
if [[ $(id -u) == 0 ]]; then
    chown postgres: "$work/pg"
    run_pg=(runuser -u postgres --)
fi

port=""
for _ in $(seq 1 50); do
    p=$((40000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        port=$p
        break
    fi
done
[[ -n $port ]] || { say "no free port found"; exit 1; }

started=0
cleanup() {
    local rc=$?
    if [[ $started == 1 ]]; then
        say "stopping PostgreSQL"
        "${run_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    if [[ $keep == 1 ]]; then
        say "kept $work"
    else
        rm -rf "$work"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting PostgreSQL in $work/pg on 127.0.0.1:$port"
"${run_pg[@]}" "$pg_bin/initdb" -D "$work/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
cat >>"$work/pg/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$work/pg'
max_connections = 64
shared_buffers = 1GB
effective_cache_size = 4GB
work_mem = 16MB
maintenance_work_mem = 1GB
jit = off
wal_level = minimal
max_wal_senders = 0
EOF
"${run_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w start >/dev/null
started=1
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATABASE=bench
"$pg_bin/createdb" bench

report=$work/report.md
dir_args=()
[[ $own_dir == 1 ]] || dir_args=(--dir "$work/bench")
"$bench" search --postgres "${dir_args[@]}" "$@" | tee "$report"
if [[ -n ${LEXHARMONY_BENCH_REPORT:-} ]]; then
    cp "$report" "$LEXHARMONY_BENCH_REPORT"
fi
