#!/usr/bin/python3
"""Python Celery client of the collect benchmark (bench/collect.py), the way Celery users collect.

Usage: collect_client.py <broker-url> <backend-url> <count> <warmup> <stored|live>
Sends <warmup> bench.add tasks and collects them, then sends <count> bench.add(i, i) and prints
"sent". With "stored" it waits for a line on stdin (sent once the worker has stored every result)
so the join measures collecting alone; with "live" it joins at once. Collects with
ResultSet.join_native, Celery's fast path for many results on Redis (one pub/sub consumer for all).
Last line: {"send_s": s, "collect_s": c}.
"""
import json
import sys
import time

from celery import Celery
from celery.result import ResultSet

broker, backend, count, warmup, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
app = Celery("bench-collect", broker=broker, backend=backend)
app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])


def send(n):
    with app.producer_or_acquire() as producer:
        return [app.send_task("bench.add", (i, i), producer=producer) for i in range(n)]


def check(values):
    for i, v in enumerate(values):
        if v != 2 * i:
            raise SystemExit(f"bench.add({i}, {i}) returned {v!r}")


check(ResultSet(send(warmup)).join_native(timeout=300))
started = time.perf_counter()
sent = send(count)
send_s = time.perf_counter() - started
print("sent", flush=True)
if mode == "stored":
    sys.stdin.readline()
started = time.perf_counter()
values = ResultSet(sent).join_native(timeout=300)
collect_s = time.perf_counter() - started
if len(values) != count:
    raise SystemExit(f"{len(values)} values for {count} tasks")
check(values)
print(json.dumps({"send_s": send_s, "collect_s": collect_s}), flush=True)
sys.stdout.flush()
import os  # noqa: E402
os._exit(0)  # skip teardown: result consumers would unsubscribe one by one
