#!/usr/bin/python3
"""`inspect ping` round trip (issue 11, item 9): many sequential pings addressed to one worker.

--target python   (default) Python Celery's prefork worker (-c 2), or
--target celeriac the Celeriac interop worker,
both on a fresh redis-server. Two clients ping it in turn: the .NET control client
(bench/Ping: app.Control.Inspect([node]).PingAsync()) and Python's own
app.control.inspect(destination=[node]).ping(). Addressed to one node, each ping returns at the
first reply (limit = 1), so the figure is the round trip, not the 1 s collection timeout.
Prints median and p99 in milliseconds per client.

Run it through bench/run.sh ping, which builds the worker and the .NET client first.
"""
import argparse
import json
import math
import os
import signal
import subprocess
import time

from celery import Celery

from bench import HERE, RedisServer, start_worker


def python_pings(server, node, count, warmup):
    app = Celery("ping", broker=server.url(0))
    times, missed = [], 0
    for i in range(warmup + count):
        started = time.perf_counter()
        reply = app.control.inspect(destination=[node], timeout=1.0).ping()
        ms = (time.perf_counter() - started) * 1000
        if not reply or node not in reply:
            missed += 1
        elif i >= warmup:
            times.append(ms)
    times.sort()
    at = lambda q: times[min(len(times) - 1, max(0, math.ceil(q * len(times)) - 1))] if times else float("nan")
    return {"count": len(times), "median_ms": round(at(0.5), 3), "p99_ms": round(at(0.99), 3), "missed": missed}


def dotnet_pings(server, node, count, warmup):
    dll = os.path.join(HERE, "Ping/bin/Release/net10.0/Ping.dll")
    out = subprocess.run(["dotnet", dll, server.url(0), node, str(count), str(warmup)], capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise SystemExit(f".NET ping client failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=["python", "celeriac"], default="python")
    parser.add_argument("--pings", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=50)
    args = parser.parse_args()
    node = "celeriac@bench" if args.target == "celeriac" else "python@bench"
    server = RedisServer()
    try:
        worker = start_worker(args.target, server, 0)
        try:
            rows = [(".NET app.Control", dotnet_pings(server, node, args.pings, args.warmup)),
                    ("Python inspect()", python_pings(server, node, args.pings, args.warmup))]
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
    finally:
        server.stop()
    print(f"inspect ping round trip against the {args.target} worker ({node}), {args.pings} pings after {args.warmup} warm-up")
    print(f"{'client':<20}{'median ms':>12}{'p99 ms':>12}{'missed':>8}")
    for name, r in rows:
        print(f"{name:<20}{r['median_ms']:>12}{r['p99_ms']:>12}{r['missed']:>8}")


if __name__ == "__main__":
    main()
