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
# `bench/run.sh telemetry [--count N] [--rounds R] [--base REV]` drains N tasks on the in-memory
# broker with no listener, with tracing + metrics listeners attached, and built from REV (default
# main) for comparison: throughput ratios and bytes allocated per task. Needs only .NET and python3.
# Needs redis-server, python3-celery, python3-redis (installed here when run as root).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
if [[ ${1:-} == telemetry ]]; then
  shift
  dotnet build bench/Telemetry -c Release -v q -nologo >/dev/null
  exec /usr/bin/python3 bench/telemetry.py "$@"
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
