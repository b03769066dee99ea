"""Python Celery 5.2.6 revoking, as a user does it: app.control.revoke.

  python3 revoke_client.py <task_id> [--terminate] [--timeout SECONDS]

Broadcasts the revoke on celery.pidbox and waits up to --timeout for the workers' replies
(reply=True), so a test knows the worker has it before it sends the task. Prints one JSON object:
{"replies": [{node: reply}, ...]}.
"""
import argparse
import json
import os

from celery import Celery

app = Celery(
    "revoke_client",
    broker=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
    backend=os.environ.get("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/1"),
)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("task_id")
    p.add_argument("--terminate", action="store_true")
    p.add_argument("--timeout", type=float, default=5.0)
    a = p.parse_args()
    replies = app.control.revoke(a.task_id, terminate=a.terminate, reply=True, timeout=a.timeout)
    print(json.dumps({"replies": replies or []}))


if __name__ == "__main__":
    main()
