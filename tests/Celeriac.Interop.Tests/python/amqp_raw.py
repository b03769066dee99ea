#!/usr/bin/python3
"""Raw AMQP with py-amqp, below Celery, for the RabbitMQ interop tests.

The broker is CELERY_BROKER_URL (amqp://user:password@host:port/vhost). Every command prints one
JSON object on stdout.

  publish QUEUE SPECS   publishes each spec to QUEUE through the default exchange (persistent).
                        A spec: {"record": [KEY, TOKEN]} builds Celery's protocol v2 message for
                        interop.record(KEY, TOKEN); then "body" (text) replaces the body,
                        "content_type" the content type (default application/json),
                        "no_headers": true sends it without headers, "headers": {...} adds headers
                        (an integer beyond +-2**31 is written by py-amqp with the type code 'L').
                        Prints {"published": N}.
  peek QUEUE            takes every ready message of QUEUE with basic.get, unacked, and closes the
                        channel so they go back: prints {"messages": [{"id", "redelivered"}, ...]}.
"""
import json
import os
import sys
import uuid
from urllib.parse import unquote, urlparse

import amqp


def connect():
    url = urlparse(os.environ["CELERY_BROKER_URL"])
    vhost = unquote(url.path[1:]) if len(url.path) > 1 else "/"
    connection = amqp.Connection(host=f"{url.hostname}:{url.port or 5672}", userid=unquote(url.username or "guest"),
                                 password=unquote(url.password or "guest"), virtual_host=vhost)
    connection.connect()
    return connection


def task_message(spec):
    key, token = spec["record"]
    task_id = str(uuid.uuid4())
    headers = {
        "lang": "py", "task": "interop.record", "id": task_id, "root_id": task_id, "parent_id": None,
        "group": None, "shadow": None, "eta": None, "expires": None, "retries": 0,
        "timelimit": [None, None], "argsrepr": repr((key, token)), "kwargsrepr": "{}", "origin": "amqp_raw",
    }
    headers.update(spec.get("headers") or {})
    body = spec.get("body")
    if body is None:
        body = json.dumps([[key, token], {}, {"callbacks": None, "errbacks": None, "chain": None, "chord": None}])
    return amqp.Message(
        body.encode("utf-8"),
        content_type=spec.get("content_type", "application/json"),
        content_encoding="utf-8",
        application_headers=None if spec.get("no_headers") else headers,
        delivery_mode=2, correlation_id=task_id, priority=0)


def cmd_publish(queue, specs):
    connection = connect()
    channel = connection.channel()
    for spec in specs:
        channel.basic_publish(task_message(spec), exchange="", routing_key=queue)
    connection.close()
    return {"published": len(specs)}


def cmd_peek(queue):
    connection = connect()
    channel = connection.channel()
    messages = []
    while True:
        message = channel.basic_get(queue, no_ack=False)
        if message is None:
            break
        headers = message.properties.get("application_headers") or {}
        messages.append({"id": headers.get("id"), "redelivered": bool(message.delivery_info.get("redelivered"))})
    # Closing without acking hands every message back to the queue.
    connection.close()
    return {"messages": messages}


def main():
    command, queue = sys.argv[1], sys.argv[2]
    if command == "publish":
        result = cmd_publish(queue, json.loads(sys.argv[3]))
    elif command == "peek":
        result = cmd_peek(queue)
    else:
        raise SystemExit(f"unknown command {command}")
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
