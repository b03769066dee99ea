"""The interop contract's tasks (docs/interop.md) for a Python Celery 5.2 worker.

Same names and behaviour as samples/InteropWorker, so a Python worker and a Celeriac worker can
serve one queue. Configured from the environment, like the Celeriac worker:

  CELERY_BROKER_URL, CELERY_RESULT_BACKEND   broker and result backend (JSON only)
  INTEROP_REDIS_URL                          the Redis interop.record appends to (default: the backend)
  INTEROP_VISIBILITY_TIMEOUT                 broker_transport_options' visibility_timeout, seconds
  INTEROP_ACKS_LATE=1                        task_acks_late
  INTEROP_QUEUE_MAX_PRIORITY                 task_queue_max_priority (x-max-priority on RabbitMQ queues)

Start a worker with:  /usr/bin/python3 -m celery -A interop_tasks worker -Q QUEUES ...
"""
import os
import socket
import time

import redis
from celery import Celery

app = Celery(
    "interop_tasks",
    broker=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
    backend=os.environ.get("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/1"),
)
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    result_accept_content=["json"],
    task_acks_late=os.environ.get("INTEROP_ACKS_LATE") == "1",
    worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
)
if os.environ.get("INTEROP_QUEUE_MAX_PRIORITY"):
    app.conf.task_queue_max_priority = int(os.environ["INTEROP_QUEUE_MAX_PRIORITY"])
if os.environ.get("INTEROP_VISIBILITY_TIMEOUT"):
    app.conf.broker_transport_options = {"visibility_timeout": float(os.environ["INTEROP_VISIBILITY_TIMEOUT"])}

_record_redis = None


def _recorder():
    global _record_redis
    if _record_redis is None:
        _record_redis = redis.Redis.from_url(os.environ.get("INTEROP_REDIS_URL") or app.conf.result_backend)
    return _record_redis


@app.task(name="bench.noop")
def bench_noop():
    return None


@app.task(name="bench.add")
def bench_add(x, y):
    return x + y


@app.task(name="bench.sleep10ms")
def bench_sleep10ms():
    time.sleep(0.01)
    return None


@app.task(name="interop.add")
def add(x, y):
    return x + y


@app.task(name="interop.mul")
def mul(x, y):
    return x * y


@app.task(name="interop.xsum")
def xsum(numbers):
    return sum(numbers)


@app.task(name="interop.echo")
def echo(*args, **kwargs):
    return {"args": list(args), "kwargs": kwargs}


@app.task(name="interop.fail")
def fail(message):
    raise ValueError(message)


@app.task(name="interop.sleep")
def sleep(seconds):
    time.sleep(seconds)
    return seconds


@app.task(name="interop.retry", bind=True, max_retries=None)
def retry(self, times):
    if self.request.retries < times:
        raise self.retry(countdown=0)
    return times


@app.task(name="interop.progress", bind=True)
def progress(self, steps):
    for i in range(1, steps + 1):
        self.update_state(state="PROGRESS", meta={"current": i, "total": steps})
    return steps


@app.task(name="interop.record")
def record(key, token):
    r = _recorder()
    r.rpush(key, token)
    # Not part of the contract: which tokens the Python worker ran, so a test on a shared queue
    # can tell that both workers took part.
    r.rpush(key + ":python", token)
    return token


@app.task(name="py.add_one")
def add_one(x):
    """Only in Python (not in the contract): chains that must cross to the Celeriac worker and back."""
    return x + 1


@app.task(name="py.flaky")
def flaky(key):
    """Only in Python: fails its first run for a key and succeeds after (the dashboard's retry test).
    Counts runs in the Redis list key."""
    runs = _recorder().rpush(key, "run")
    if runs == 1:
        raise ValueError("first run of " + key + " fails")
    return runs


@app.task(name="py.hostname", bind=True)
def hostname(self):
    """Only in Python: the node name of the worker that ran it."""
    return self.request.hostname or socket.gethostname()


@app.task(name="py.trace_context", bind=True)
def trace_context(self, *args):
    """Only in Python: the trace context this run was given, read where the instrumentation's
    CeleryGetter reads it (Celery copies every message header into the request)."""
    return {"traceparent": getattr(self.request, "traceparent", None),
            "tracestate": getattr(self.request, "tracestate", None)}

