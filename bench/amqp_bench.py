#!/usr/bin/python3
"""RabbitMQ beside Redis, in one run (issue 12): Celeriac vs Python Celery 5.2.6 and vs the machine's ceiling.

Starts a private rabbitmq-server (rabbit_server.py) and a private redis-server, then:

  drain      a Python Celery producer pre-fills N bench.noop; the worker starts; the time from its
             "ready" to the moment every result is stored in Redis (the backend of every run).
             Celeriac's interop worker vs Celery's prefork worker (-c 2), on AMQP and on Redis, with
             each worker's peak resident memory (its process tree).
  ceiling    the same N messages drained by a bare RabbitMQ.Client consumer that acks in batches and
             does nothing else (bench/AmqpBench), beside Celeriac's worker without a result backend
             (timed until the queue has no message ready).
  round trip sequential bench.add send + get, p50 and p95: Celery's client and worker (Python) vs
             Celeriac's client and worker (bench/RoundTrip), with the Redis backend and with rpc://.
  confirms   a .NET producer (Celeriac's SendTaskAsync) sending bench.noop with confirm_publish on
             (the default) and off, one send at a time and 256 in flight.

Run it through `bench/run.sh amqp`, which builds the .NET programs first. (Not named amqp.py: that
would shadow py-amqp.)
"""
import argparse
import json
import os
import subprocess
import sys
import time

import amqp as pyamqp
import redis
from celery import Celery

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (the Redis benchmark's helpers: RedisServer, PeakMemory, round trips)
from rabbit_server import RabbitServer  # noqa: E402

ROOT = os.path.dirname(HERE)
DOTNET = {name: os.path.join(HERE, f"{name}/bin/Release/net10.0/{name}.dll") for name in ("AmqpBench", "RoundTrip")}


class Urls:
    """What bench.start_worker asks for: the broker as url(0), the result backend as url(1)."""

    def __init__(self, broker, backend):
        self.broker, self.backend = broker, backend

    def url(self, db):
        return self.broker if db == 0 else self.backend


def client_app(broker, backend):
    app = Celery("bench-client", broker=broker, backend=backend)
    app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])
    return app


_polling = {}


def ready_count(rabbit, queue="celery"):
    """Messages ready in the queue (queue.declare passive), on one connection kept for polling."""
    if rabbit.port not in _polling:
        conn = pyamqp.Connection(host=f"127.0.0.1:{rabbit.port}", userid="guest", password="guest", virtual_host="bench")
        conn.connect()
        _polling[rabbit.port] = (conn, conn.channel())
    conn, channel = _polling[rabbit.port]
    try:
        return channel.queue_declare(queue, passive=True).message_count
    except pyamqp.exceptions.NotFound:
        # The failed passive declare closed the channel: open another for the next poll.
        _polling[rabbit.port] = (conn, conn.channel())
        return 0


def purge(rabbit, queue="celery"):
    conn = pyamqp.Connection(host=f"127.0.0.1:{rabbit.port}", userid="guest", password="guest", virtual_host="bench")
    conn.connect()
    try:
        channel = conn.channel()
        try:
            channel.queue_purge(queue)
        except pyamqp.exceptions.NotFound:
            pass
    finally:
        conn.close()


def prefill(rabbit, app, n):
    purge(rabbit)
    bench.prefill(app, n)
    # py-amqp publishes without confirms: the last messages may still be on their way in.
    deadline = time.time() + 30
    while (count := ready_count(rabbit)) < n and time.time() < deadline:
        time.sleep(0.1)
    assert count == n, f"prefill: {count} of {n} messages in the queue"


def amqp_drain(kind, rabbit, redis_server, n, backend=True):
    """Drain of n pre-filled bench.noop on AMQP; backend=False: Celeriac without a result backend, until no message is ready."""
    results = redis.Redis(host="127.0.0.1", port=redis_server.port, db=1)
    results.flushdb()
    prefill(rabbit, client_app(rabbit.url("bench"), redis_server.url(1)), n)
    urls = Urls(rabbit.url("bench"), redis_server.url(1) if backend else "disabled")
    proc = bench.start_worker(kind, urls, 0)
    memory = bench.PeakMemory(proc.pid)
    memory.start()
    started = time.perf_counter()
    while (results.dbsize() < n) if backend else (ready_count(rabbit) > 0):
        time.sleep(0.002 if backend else 0.01)
        if time.perf_counter() - started > 600:
            raise SystemExit(f"{kind}: not drained after 600 s")
    elapsed = time.perf_counter() - started
    return proc, memory, elapsed


def dotnet(name, *args):
    out = subprocess.run(["dotnet", DOTNET[name], *map(str, args)], capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise SystemExit(f"{name} {' '.join(map(str, args))} failed: {out.stderr[-2000:]}{out.stdout[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def round_trip_pair(kind, broker, backend, count, confirm=True):
    """p50/p95 of sequential round trips: Python client to Python worker, or Celeriac client to Celeriac worker
    (confirm=False: both with confirm_publish off)."""
    proc = bench.start_worker(kind, Urls(broker, backend), 0, () if confirm else ("--no-confirm-publish",))
    try:
        if kind == "python":
            return bench.round_trips(client_app(broker, backend), count)
        r = dotnet("RoundTrip", broker, backend, count, *(() if confirm else ("confirm_publish=false",)))
        return r["median_ms"], r["p95_ms"]
    finally:
        bench.stop(proc, bench.PeakMemory(proc.pid))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--round-trips", type=int, default=500)
    parser.add_argument("--publishes", type=int, default=5000)
    parser.add_argument("--skip", action="append", default=[], choices=["redis", "rpc", "python", "drain", "roundtrip", "confirms"],
                        help="leave out the Redis drains, the rpc:// round trips, the Python worker runs, "
                             "or a whole part (drain includes the ceiling)")
    args = parser.parse_args()
    n = args.tasks
    kinds = ["celeriac"] + ([] if "python" in args.skip else ["python"])

    print("== starting a private rabbitmq-server and redis-server ...", flush=True)
    redis_server = bench.RedisServer()
    rabbit = RabbitServer()
    drains, memory_mb, trips, confirms = {}, {}, {}, {}
    try:
        rabbit.ctl("add_vhost", "bench")
        rabbit.ctl("set_permissions", "-p", "bench", "guest", ".*", ".*", ".*")
        for kind in kinds if "drain" not in args.skip else []:
            print(f"== amqp {kind}: draining {n} bench.noop ...", flush=True)
            proc, memory, elapsed = amqp_drain(kind, rabbit, redis_server, n)
            bench.stop(proc, memory)
            drains[("amqp", kind)], memory_mb[("amqp", kind)] = elapsed, memory.peak_kb / 1024
            if "redis" not in args.skip:
                print(f"== redis {kind}: draining {n} bench.noop ...", flush=True)
                app = client_app(redis_server.url(0), redis_server.url(1))
                proc, memory, elapsed = bench.drain(kind, redis_server, app, n, 0)
                bench.stop(proc, memory)
                drains[("redis", kind)], memory_mb[("redis", kind)] = elapsed, memory.peak_kb / 1024
        if "drain" not in args.skip:
            # The ceiling and Celeriac without a backend back to back, so both see the same machine load.
            print(f"== amqp ceiling: a bare RabbitMQ.Client consumer draining {n} ...", flush=True)
            prefill(rabbit, client_app(rabbit.url("bench"), redis_server.url(1)), n)
            drains[("amqp", "bare consumer")] = dotnet("AmqpBench", "ceiling", rabbit.url("bench"), "celery", n)["seconds"]
            print(f"== amqp celeriac without a result backend: draining {n} bench.noop ...", flush=True)
            proc, memory, elapsed = amqp_drain("celeriac", rabbit, redis_server, n, backend=False)
            bench.stop(proc, memory)
            drains[("amqp", "celeriac, no backend")] = elapsed

        backends = [("redis backend", redis_server.url(1))] + ([] if "rpc" in args.skip else [("rpc://", "rpc://")])
        for label, backend in backends if "roundtrip" not in args.skip else []:
            for kind in kinds:
                print(f"== amqp {kind}: {args.round_trips} round trips, {label} ...", flush=True)
                purge(rabbit)
                trips[(label, kind)] = round_trip_pair(kind, rabbit.url("bench"), backend, args.round_trips)
            print(f"== amqp celeriac, confirm_publish=false: {args.round_trips} round trips, {label} ...", flush=True)
            purge(rabbit)
            trips[(label, "celeriac, no confirms")] = round_trip_pair("celeriac", rabbit.url("bench"), backend, args.round_trips, confirm=False)

        for confirm in (True, False) if "confirms" not in args.skip else []:
            for in_flight in (1, 256):
                print(f"== .NET producer: {args.publishes} sends, confirm_publish={confirm}, {in_flight} in flight ...", flush=True)
                purge(rabbit)
                confirms[(confirm, in_flight)] = dotnet("AmqpBench", "publish", rabbit.url("bench"), args.publishes, str(confirm).lower(), in_flight)["rate"]
        purge(rabbit)
    finally:
        rabbit.stop()
        redis_server.stop()

    print()
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (figures from a loaded machine are noisy)")
    if drains:
        report_drains(drains, memory_mb, n)
    if trips:
        report_trips(trips, backends)
    if confirms:
        report_confirms(confirms, args.publishes)


def report_drains(drains, memory_mb, n):
    print(f"drain of {n} bench.noop sent by a Python producer (results stored in Redis unless said)")
    print(f"{'broker':<7} {'worker':<22} {'tasks/s':>10} {'seconds':>8} {'peak MB':>8}")
    for (broker, kind), seconds in drains.items():
        mb = memory_mb.get((broker, kind))
        print(f"{broker:<7} {kind:<22} {n / seconds:>10,.0f} {seconds:>8.2f} {(f'{mb:.1f}' if mb else '-'):>8}")
    rate = {key: n / s for key, s in drains.items()}
    print()
    if ("amqp", "python") in rate:
        print(f"AMQP drain: Celeriac {rate[('amqp', 'celeriac')] / rate[('amqp', 'python')]:.1f}x Python (goal >= 10x)")
    if ("redis", "python") in rate:
        print(f"Redis drain: Celeriac {rate[('redis', 'celeriac')] / rate[('redis', 'python')]:.1f}x Python")
    ceiling = rate[("amqp", "bare consumer")]
    print(f"AMQP vs the bare consumer ({ceiling:,.0f}/s): Celeriac with results {100 * rate[('amqp', 'celeriac')] / ceiling:.0f} %,"
          f" without a backend {100 * rate[('amqp', 'celeriac, no backend')] / ceiling:.0f} % (goal >= 70 %)")
    if ("amqp", "python") in memory_mb:
        print(f"peak memory on AMQP: Celeriac {memory_mb[('amqp', 'celeriac')]:.0f} MB vs Python {memory_mb[('amqp', 'python')]:.0f} MB")


def report_trips(trips, backends):
    print()
    print("round trips on AMQP (sequential send + get), each stack with its own client")
    for (label, kind), (p50, p95) in trips.items():
        print(f"{label:<14} {kind:<22} p50 {p50:>8.3f} ms  p95 {p95:>8.3f} ms")
    for label, _ in backends:
        if (label, "python") in trips:
            print(f"{label}: Celeriac p50 / Celery p50 = {trips[(label, 'celeriac')][0] / trips[(label, 'python')][0]:.2f} (goal <= 0.25)")


def report_confirms(confirms, publishes):
    print()
    print(f"publisher confirms: a .NET producer, {publishes} bench.noop (sends/s)")
    for in_flight in (1, 256):
        on, off = confirms[(True, in_flight)], confirms[(False, in_flight)]
        print(f"{in_flight:>3} in flight: confirms on {on:>9,.0f}/s, off {off:>9,.0f}/s: confirms cost {100 * (1 - on / off):.0f} %")


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)
