#!/usr/bin/python3
"""What task events cost a worker: Celeriac vs Python Celery on one redis-server, in one run.

For each worker (the Celeriac interop worker, then Python Celery's prefork worker with 2 processes)
it drains N pre-filled bench.noop twice, task events off and then on (Celeriac `--events`, Celery
`-E`), timing each drain as bench.py does (from "ready" to the last result stored). A subscriber
in its own process PSUBSCRIBEs to /0.celeryev/* all along, unpacks every event (task.multi arrays
included) and counts them by sender and type, so the events are really consumed. Each setting is
drained --repeat times and the fastest drain counts (the machine may be shared). Prints each
worker's drain rates, the events it sent, the CPU time the worker (process tree) and redis-server
spent (redis-server's includes the prefill), the subscriber's CPU time (it runs at the lowest
priority by default, as a monitor on another machine would take no cores from the worker;
--subscriber-nice 0 lets it compete on a small machine), how long after the drain the subscriber had counted every event ("events lag"), and the
ratio rate(on) / rate(off) (goal for Celeriac: >= 0.8).

Run it through `bench/run.sh events`, which builds the Celeriac worker first.
"""
import argparse
import base64
import collections
import json
import multiprocessing
import os
import sys
import time

import redis
from celery import Celery

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the shared redis-server, worker start and drain helpers)

HOSTS = {"celeriac": "celeriac@bench", "python": "python@bench"}


def subscriber(port, counts, ready, niceness):
    """Counts events per (hostname, type) into the shared dict; runs until terminated."""
    # A monitor normally runs on another machine; on a small one it would take cores from the
    # worker being measured. At a low priority it uses idle CPU only and still counts every event
    # (the lag column shows how long after the drain it had them all).
    os.nice(niceness)
    client = redis.Redis(host="127.0.0.1", port=port, db=0)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.psubscribe("/0.celeryev/*")
    ready.set()
    local = collections.Counter()
    last_flush = time.monotonic()
    while True:
        message = pubsub.get_message(timeout=0.1)
        if message is not None:
            envelope = json.loads(message["data"])
            body = json.loads(base64.b64decode(envelope["body"]))
            for event in body if isinstance(body, list) else [body]:
                local[(event["hostname"], event["type"])] += 1
        if message is None or time.monotonic() - last_flush > 0.2:
            for key, n in local.items():
                counts[key] = counts.get(key, 0) + n
            local.clear()
            last_flush = time.monotonic()


def tree_cpu_seconds(pid):
    """User + system CPU time of a process and its descendants, in seconds (a steadier measure than
    wall time on a shared machine)."""
    total, stack = 0, [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def task_events(counts, host):
    return sum(n for (h, t), n in counts.items() if h == host and t.startswith("task-"))


def settle(counts, host, expected, within=60):
    """Waits until the subscriber has counted `expected` task events from `host` (or gives up)."""
    deadline = time.monotonic() + within
    while task_events(counts, host) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return task_events(counts, host)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--celeriac-concurrency", type=int, default=0, help="0 = the library's default")
    parser.add_argument("--only", choices=["celeriac", "python"])
    parser.add_argument("--repeat", type=int, default=2, help="drains per setting; the fastest counts (the machine may be shared)")
    parser.add_argument("--subscriber-nice", type=int, default=19, help="niceness of the counting subscriber (0 = compete with the worker for the cores)")
    args = parser.parse_args()

    server = bench.RedisServer()
    manager = multiprocessing.Manager()
    counts = manager.dict()
    ready = multiprocessing.Event()
    sub = multiprocessing.Process(target=subscriber, args=(server.port, counts, ready, args.subscriber_nice), daemon=True)
    sub.start()
    ready.wait(10)
    results = collections.OrderedDict()
    try:
        app = Celery("bench-client", broker=server.url(0), backend=server.url(1))
        app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])
        for kind in ["celeriac", "python"]:
            if args.only and kind != args.only:
                continue
            host = HOSTS[kind]
            for events in (False, True):
                flag = ["--events"] if kind == "celeriac" else ["-E"]
                label = "on" if events else "off"
                print(f"== {kind}: draining {args.tasks} bench.noop, task events {label} ...", flush=True)
                best = None
                for _ in range(args.repeat):
                    before = task_events(counts, host)
                    redis_cpu = tree_cpu_seconds(server.proc.pid)
                    sub_cpu = tree_cpu_seconds(sub.pid)
                    proc, memory, elapsed = bench.drain(kind, server, app, args.tasks, args.celeriac_concurrency, flag if events else ())
                    drained = time.perf_counter()
                    cpu = tree_cpu_seconds(proc.pid)
                    redis_cpu = tree_cpu_seconds(server.proc.pid) - redis_cpu
                    # Every task sends received, started and succeeded.
                    counted = settle(counts, host, before + (3 * args.tasks if events else 0), within=60 if events else 1) - before
                    lag = time.perf_counter() - drained
                    sub_cpu = tree_cpu_seconds(sub.pid) - sub_cpu
                    bench.stop(proc, memory)
                    run = dict(rate=args.tasks / elapsed, seconds=elapsed, events=counted, cpu=cpu, redis_cpu=redis_cpu, lag=lag if events else 0.0, sub_cpu=sub_cpu)
                    if best is None or run["rate"] > best["rate"]:
                        best = run
                results[(kind, label)] = best
    finally:
        sub.terminate()
        server.stop()

    print()
    print(f"{'worker':<10} {'events':>7} {'drain tasks/s':>14} {'drain s':>8} {'task events counted':>20} {'worker CPU s':>13} {'redis CPU s':>12} {'events lag s':>13} {'subscriber CPU s':>17}")
    for (kind, label), r in results.items():
        print(f"{kind:<10} {label:>7} {r['rate']:>14,.0f} {r['seconds']:>8.2f} {r['events']:>20,} {r['cpu']:>13.2f} {r['redis_cpu']:>12.2f} {r['lag']:>13.2f} {r['sub_cpu']:>17.2f}")
    print()
    for kind in ["celeriac", "python"]:
        if (kind, "on") in results and (kind, "off") in results:
            ratio = results[(kind, "on")]["rate"] / results[(kind, "off")]["rate"]
            goal = " (goal >= 0.8)" if kind == "celeriac" else ""
            print(f"{kind}: drain with task events on / off = {ratio:.2f}{goal}")


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)
