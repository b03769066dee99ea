#!/usr/bin/env bash
# Benchmark: Celeriac's worker vs Python Celery's on one redis-server, side by side in one run.
# Not a test: prints a table (drain rate, round-trip median/p95, peak memory) and the ratios.
# `bench/run.sh collect` runs the other scenario: send 20,000 bench.add and collect every result
# (Python's ResultSet.join_native and a Celeriac GroupResult join, against either worker).
# `bench/run.sh ping [--target python|celeriac]` times `inspect ping` round trips from the .NET
# control client and from Python's app.control.inspect() against one worker.
# `bench/run.sh events` drains 20,000 bench.noop with task events off and on, for both workers,
# with an event subscriber counting what they send, and prints each worker's on/off ratio.
# `bench/run.sh amqp` starts a private rabbitmq-server beside the redis-server and reports, in one
# run: drain on AMQP and Redis (Celeriac vs Celery prefork 2), the bare RabbitMQ.Client ceiling,
# round trips with the Redis backend and rpc://, peak memory, and what publisher confirms cost.
# `bench/run.sh beat` runs one beat with 10,000 entries due every second (Celeriac --beat-only vs
# Python's celery beat): lag p50/p99 from scheduled instant to the broker, runs/s, CPU per run; then
# Celeriac's failover time over 20 SIGKILLs of the publishing replica of three.
# `bench/run.sh telemetry [--count N] [--rounds R] [--base REV] [--split]` drains N tasks on the in-memory
# broker with no listener, with tracing + metrics listeners attached, and built from REV (default
# main) for comparison (--split: metrics alone, tracing alone too): rates, CPU and bytes per task.
# Needs only .NET and python3.
# `bench/run.sh dashboard-store [--tasks T] [--fill N] [--batch B] [--runs R] [--no-postgres]` measures the
# dashboard's store on SQLite (a file in a temporary folder) and on a private PostgreSQL started here
# (initdb + pg_ctl, as the postgres user when root, stopped on exit): events/s with CPU, then list and
# search p50/p95 at N tasks (1,000,000 by default). Needs .NET and postgresql.
# `bench/run.sh dashboard [--tasks T] [--rate R] [--fill N] [--runs R] [--no-postgres]` runs the dashboard's
# ingestion end to end: a private redis-server, bench/dashboard_events.py publishing T tasks' events (3 each, as
# Celery's workers batch them) at R events/s, and the dashboard (AddCeleriac + AddCeleriacDashboard) storing them
# into SQLite and into a private PostgreSQL: events/s, drops, lag, CPU per 10k events; then its RSS with N tasks
# stored (1,000,000) while pages list and search. Needs .NET, redis-server, python3-redis and postgresql.
# Needs redis-server, python3-celery, python3-redis (installed here when run as root).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
if [[ ${1:-} == telemetry ]]; then
  shift
  dotnet build bench/Telemetry -c Release -v q -nologo >/dev/null
  exec /usr/bin/python3 bench/telemetry.py "$@"
fi
if [[ ${1:-} == dashboard ]]; then
  shift
  dotnet build bench/DashboardBench -c Release -v q -nologo >/dev/null
  work=$(mktemp -d /tmp/celeriac-dash-e2e.XXXXXX)
  free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
  rport=$(free_port)
  # No pub/sub output limit: a burst the dashboard reads late must not get its subscription cut.
  redis-server --bind 127.0.0.1 --port "$rport" --save '' --appendonly no --client-output-buffer-limit "pubsub 0 0 0" \
    --dir "$work" --daemonize yes --pidfile "$work/redis.pid" >/dev/null
  cleanup() { kill "$(cat "$work/redis.pid")" 2>/dev/null || true; }
  stores=("sqlite:$work/dashboard.db")
  if [[ " $* " != *" --no-postgres "* ]]; then
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    as_pg=(); [[ $EUID -eq 0 ]] && { chown postgres: "$work"; as_pg=(runuser -u postgres --); }
    port=$(free_port)
    "${as_pg[@]}" "$pgbin/initdb" -D "$work/pg" -U postgres --auth=trust --no-sync >/dev/null
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -w -l "$work/pg.log" \
      -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c synchronous_commit=off -c shared_buffers=256MB" start >/dev/null
    cleanup() { kill "$(cat "$work/redis.pid")" 2>/dev/null || true; "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null; }
    stores+=("postgres:Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres")
  fi
  trap 'cleanup; rm -rf "$work"' EXIT
  args=(); for a in "$@"; do [[ $a == --no-postgres ]] || args+=("$a"); done
  dotnet bench/DashboardBench/bin/Release/net10.0/DashboardBench.dll "redis://127.0.0.1:$rport/0" "${stores[@]}" "${args[@]}"
  if [[ -n ${port:-} ]]; then
    pid=$(head -1 "$work/pg/postmaster.pid")
    awk '{printf "postgres server CPU (whole run, all backends): %.1f s\n", ($14+$15+$16+$17)/100}' "/proc/$pid/stat"
  fi
  exit 0
fi
if [[ ${1:-} == dashboard-store ]]; then
  shift
  dotnet build bench/DashboardStore -c Release -v q -nologo >/dev/null
  work=$(mktemp -d /tmp/celeriac-dash-bench.XXXXXX)
  stores=("sqlite:$work/dashboard.db")
  if [[ " $* " != *" --no-postgres "* ]]; then
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    as_pg=(); [[ $EUID -eq 0 ]] && { chown postgres: "$work"; as_pg=(runuser -u postgres --); }
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${as_pg[@]}" "$pgbin/initdb" -D "$work/pg" -U postgres --auth=trust --no-sync >/dev/null
    # Durable settings (fsync on) except synchronous_commit=off, the setting a dashboard's history would use.
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -w -l "$work/pg.log" \
      -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c synchronous_commit=off -c shared_buffers=256MB" start >/dev/null
    trap '"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null; rm -rf "$work"' EXIT
    stores+=("postgres:Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres")
  else
    trap 'rm -rf "$work"' EXIT
  fi
  args=(); for a in "$@"; do [[ $a == --no-postgres ]] || args+=("$a"); done
  dotnet bench/DashboardStore/bin/Release/net10.0/DashboardStore.dll "${args[@]}" "${stores[@]}"
  if [[ -n ${port:-} ]]; then
    pid=$(head -1 "$work/pg/postmaster.pid")
    # The server's CPU over the whole run (postmaster and its backends, reaped children included).
    awk '{printf "postgres server CPU (whole run, all backends): %.1f s\n", ($14+$15+$16+$17)/100}' "/proc/$pid/stat"
  fi
  exit 0
fi
missing=()
for pkg in redis-server python3-celery python3-redis; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
  if [[ $EUID -eq 0 ]]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" </dev/null
  else echo "error: install ${missing[*]}" >&2; exit 1; fi
fi
dotnet build samples/InteropWorker -c Release -v q -nologo >/dev/null
if [[ ${1:-} == ping ]]; then
  shift
  dotnet build bench/Ping -c Release -v q -nologo >/dev/null
  exec /usr/bin/python3 bench/ping.py "$@"
fi
if [[ ${1:-} == collect ]]; then
  shift
  dotnet build bench/Collect -c Release -v q -nologo >/dev/null
  exec /usr/bin/python3 bench/collect.py "$@"
fi
if [[ ${1:-} == amqp ]]; then
  shift
  [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || { echo "error: install rabbitmq-server" >&2; exit 1; }
  dotnet build bench/AmqpBench -c Release -v q -nologo >/dev/null
  dotnet build bench/RoundTrip -c Release -v q -nologo >/dev/null
  exec /usr/bin/python3 bench/amqp_bench.py "$@"
fi
if [[ ${1:-} == beat ]]; then
  shift
  exec /usr/bin/python3 bench/beat_bench.py "$@"
fi
if [[ ${1:-} == events ]]; then
  shift
  exec /usr/bin/python3 bench/events.py "$@"
fi
dotnet build bench/RoundTrip -c Release -v q -nologo >/dev/null
exec /usr/bin/python3 bench/bench.py "$@"
