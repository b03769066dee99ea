"""The contract's bench.* tasks for the Python Celery worker the benchmark compares against.

Configured from CELERY_BROKER_URL / CELERY_RESULT_BACKEND, like the Celeriac interop worker.
"""
import os
import time

from celery import Celery

app = Celery(
    "bench_tasks",
    broker=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
    backend=os.environ.get("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/1"),
)
app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])


@app.task(name="bench.noop")
def noop():
    return None


@app.task(name="bench.add")
def add(x, y):
    return x + y


@app.task(name="bench.sleep10ms")
def sleep10ms():
    time.sleep(0.01)
    return None
