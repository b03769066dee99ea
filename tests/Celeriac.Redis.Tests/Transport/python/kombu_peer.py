#!/usr/bin/python3
"""A Python Celery 5.2 / kombu 5.2 peer for the Celeriac Redis transport tests.

Run with Debian's interpreter (/usr/bin/python3) so the packaged celery, kombu and redis are used.
Every command prints JSON lines on stdout and exits 0 on success.

  send-tasks URL QUEUE COUNT [--priority N]   Celery send_task('interop.add', [i, i]); one {"id": ...} per task
  pop-and-die URL QUEUE                       kombu takes one message with ack emulation (BRPOP, then
                                              ZADD/HSET unacked) and the process dies without acking
  restore-visible URL                         kombu's visibility sweep, once (QoS.restore_visible)
  consume URL QUEUE COUNT                     kombu consumes and acks COUNT messages; one JSON object each
  fanout-publish URL EXCHANGE RK              kombu publishes {"from": "python"} to a fanout exchange (PUBLISH)
  fanout-receive URL EXCHANGE BINDING         kombu binds a queue to a fanout exchange, prints {"ready": true},
                                              then prints the first message it receives (PSUBSCRIBE)

Options for all: --prefix P (global_keyprefix), --visibility-timeout S.
"""
import argparse
import json
import os
import sys


def transport_options(args):
    options = {}
    if args.prefix:
        options["global_keyprefix"] = args.prefix
    if args.visibility_timeout is not None:
        options["visibility_timeout"] = args.visibility_timeout
    return options


def send_tasks(args):
    from celery import Celery

    app = Celery("peer", broker=args.url)
    app.conf.broker_transport_options = transport_options(args)
    with app.connection_for_write() as connection:
        for i in range(args.count):
            result = app.send_task("interop.add", args=[i, i], queue=args.queue, priority=args.priority,
                                   connection=connection)
            print(json.dumps({"id": result.id}), flush=True)


def pop_and_die(args):
    from kombu import Connection

    connection = Connection(args.url, transport_options=transport_options(args))
    queue = connection.SimpleQueue(args.queue)
    message = queue.get(timeout=10)
    print(json.dumps({"id": message.headers.get("id"), "delivery_tag": message.delivery_tag}), flush=True)
    # Like a worker killed mid-task: no ack, no channel close, so no restore on the way out.
    os._exit(0)


def restore_visible(args):
    from kombu import Connection

    with Connection(args.url, transport_options=transport_options(args)) as connection:
        channel = connection.default_channel
        channel.qos.restore_visible(num=channel.unacked_restore_limit)
        print(json.dumps({"restored": True}), flush=True)


def consume(args):
    from kombu import Connection

    with Connection(args.url, transport_options=transport_options(args)) as connection:
        queue = connection.SimpleQueue(args.queue)
        for _ in range(args.count):
            message = queue.get(timeout=10)
            print(json.dumps({
                "id": message.headers.get("id"),
                "task": message.headers.get("task"),
                "body": message.body.decode("utf-8") if isinstance(message.body, bytes) else message.body,
                "content_type": message.content_type,
                "headers_redelivered": message.headers.get("redelivered", False),
                "delivery_info_redelivered": message.delivery_info.get("redelivered", False),
                "priority": message.properties.get("priority"),
                "delivery_tag": message.delivery_tag,
            }), flush=True)
            message.ack()
        queue.close()


def fanout_publish(args):
    from kombu import Connection, Exchange

    exchange = Exchange(args.queue, type="fanout")
    with Connection(args.url, transport_options=transport_options(args)) as connection:
        producer = connection.Producer()
        producer.publish({"from": "python"}, exchange=exchange, routing_key=args.routing_key, declare=[exchange],
                         headers={"x_id": "from-python"}, serializer="json")
        print(json.dumps({"published": True}), flush=True)


def fanout_receive(args):
    import uuid
    from kombu import Connection, Consumer, Exchange, Queue

    exchange = Exchange(args.queue, type="fanout")
    queue = Queue("peer." + uuid.uuid4().hex, exchange=exchange, routing_key=args.routing_key, auto_delete=True)
    received = []
    with Connection(args.url, transport_options=transport_options(args)) as connection:
        def on_message(body, message):
            received.append({"body": body, "headers": message.headers, "routing_key": message.delivery_info.get("routing_key"),
                             "exchange": message.delivery_info.get("exchange")})
        with Consumer(connection, [queue], callbacks=[on_message], no_ack=True):
            print(json.dumps({"ready": True}), flush=True)
            while not received:
                connection.drain_events(timeout=20)
    print(json.dumps(received[0]), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["send-tasks", "pop-and-die", "restore-visible", "consume", "fanout-publish", "fanout-receive"])
    parser.add_argument("url")
    parser.add_argument("queue", nargs="?", help="queue, or exchange for fanout commands")
    parser.add_argument("count", nargs="?", default="1", help="count, or routing/binding key for fanout commands")
    parser.add_argument("--priority", type=int, default=None)
    parser.add_argument("--prefix", default="")
    parser.add_argument("--visibility-timeout", type=float, default=None)
    args = parser.parse_args()
    args.routing_key = args.count
    args.count = int(args.count) if args.count.isdigit() else 1
    {"send-tasks": send_tasks, "pop-and-die": pop_and_die, "restore-visible": restore_visible,
     "consume": consume, "fanout-publish": fanout_publish, "fanout-receive": fanout_receive}[args.command](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
