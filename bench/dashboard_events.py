"""Publishes task events as Celery 5.2.6 workers do, for `bench/run.sh dashboard`.

N tasks' task-received, task-started and task-succeeded (1 in 10 task-failed) in task.multi arrays of 24 (Celery's
event buffer) on the celeryev fanout of a Redis broker, from 8 worker hostnames, at --rate events a second.
Prints "published N events in S s" when done.
"""
import argparse
import base64
import json
import time
import uuid

import redis

p = argparse.ArgumentParser()
p.add_argument("--url", required=True)
p.add_argument("--tasks", type=int, default=100_000)
p.add_argument("--rate", type=float, default=30_000)
a = p.parse_args()

r = redis.Redis.from_url(a.url)
words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
names = ["orders.charge", "orders.ship", "mail.send", "reports.build", "images.resize"]


def envelope(events, host):
    body = base64.b64encode(json.dumps(events).encode()).decode()
    return json.dumps({
        "body": body, "content-encoding": "utf-8", "content-type": "application/json", "headers": {"hostname": host},
        "properties": {"delivery_mode": 1, "delivery_info": {"exchange": "celeryev", "routing_key": "task.multi"},
                       "priority": 0, "body_encoding": "base64", "delivery_tag": str(uuid.uuid4())},
    })


def task_events(n, now):
    host = f"celery@w{n % 8}"
    tid = str(uuid.uuid4())
    common = {"hostname": host, "utcoffset": 0, "pid": 1000 + n % 8, "clock": n}
    received = dict(common, uuid=tid, name=names[n % 5], args=f"('user{n}@example.com', {n}, '{words[n % 10]}')",
                    kwargs="{'order': %d}" % n, root_id=tid, parent_id=None, retries=0, eta=None, expires=None,
                    timestamp=now, type="task-received")
    started = dict(common, uuid=tid, timestamp=now + 0.001, type="task-started")
    if n % 10 == 7:
        done = dict(common, uuid=tid, exception="ValueError('card declined')",
                    traceback="Traceback (most recent call last):\nValueError: card declined", timestamp=now + 0.04, type="task-failed")
    else:
        done = dict(common, uuid=tid, result="{'ok': True, 'n': %d}" % n, runtime=0.038, timestamp=now + 0.04, type="task-succeeded")
    return host, [received, started, done]


channel = "/0.celeryev/task.multi"
# Each worker host buffers its own events and flushes 24 at a time, as Celery's dispatcher does.
buffers = {}
sent = 0
start = time.time()
pipe = r.pipeline(transaction=False)
for n in range(a.tasks):
    host, events = task_events(n, time.time())
    buf = buffers.setdefault(host, [])
    buf.extend(events)
    if len(buf) >= 24:
        pipe.publish(channel, envelope(buf[:24], host))
        sent += 24
        del buf[:24]
        if len(pipe) >= 50:
            pipe.execute()
            # Pace: never ahead of --rate.
            ahead = sent / a.rate - (time.time() - start)
            if ahead > 0:
                time.sleep(ahead)
for host, buf in buffers.items():
    if buf:
        pipe.publish(channel, envelope(buf, host))
        sent += len(buf)
pipe.execute()
print(f"published {sent} events in {time.time() - start:.1f} s", flush=True)
