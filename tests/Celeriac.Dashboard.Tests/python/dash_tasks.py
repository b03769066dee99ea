"""Tasks a Python Celery 5.2 worker runs for the dashboard's ingestion tests.

Broker and backend from CELERY_BROKER_URL / CELERY_RESULT_BACKEND. Start with:
  /usr/bin/python3 -m celery -A dash_tasks worker -Q dash.py -n py@%h
(no -E: the dashboard's enable_events broadcast turns task events on, as Flower's does).
"""
import os

from celery import Celery

app = Celery("dash_tasks", broker=os.environ["CELERY_BROKER_URL"], backend=os.environ["CELERY_RESULT_BACKEND"])
app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"], worker_hijack_root_logger=False)


@app.task(name="dash.add")
def add(x, y):
    return x + y


@app.task(name="dash.long")
def long(n):
    return "y" * n


@app.task(name="dash.fail")
def fail(word):
    raise ValueError(word)
