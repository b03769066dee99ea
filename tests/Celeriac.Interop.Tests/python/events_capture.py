#!/usr/bin/python3
"""Python Celery 5.2's EventReceiver (what `celery events` and Flower use) capturing a cluster's events.

  events_capture.py [--seconds S]

Prints "capturing" once its consumer is set up (on Redis the PSUBSCRIBE follows on the first
read: wait for PUBSUB NUMPAT to count it), then one line per event:
"EVENT " + the event as json.dumps writes it, keys in the order the receiver got them (the receiver
adds "local_received" and adjusts "timestamp" by the sender's utcoffset). Exits after S seconds
(default 120) or when stdin closes. Broker from CELERY_BROKER_URL.
"""
import argparse
import json
import os
import sys
import threading
import time

from celery import Celery

app = Celery("interop_events", broker=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()

    def on_event(event):
        print("EVENT " + json.dumps(event), flush=True)

    with app.connection_for_read() as connection:
        receiver = app.events.Receiver(connection, handlers={"*": on_event})
        original = receiver.on_consume_ready

        def ready(*a, **kw):
            original(*a, **kw)
            print("capturing", flush=True)

        receiver.on_consume_ready = ready

        def stop_on_stdin_close():
            sys.stdin.read()
            receiver.should_stop = True

        def stop_at_deadline():
            time.sleep(args.seconds)
            receiver.should_stop = True

        threading.Thread(target=stop_on_stdin_close, daemon=True).start()
        threading.Thread(target=stop_at_deadline, daemon=True).start()
        # Checks should_stop at least once a second (kombu's safety interval).
        receiver.capture(limit=None, timeout=None, wakeup=False)


if __name__ == "__main__":
    main()
