"""Python Celery 5.2's own beat for `bench/run.sh beat`: BEAT_BENCH_ENTRIES entries, each bench.noop(i)
every 1.0 s (named e00000, e00001, ...), on CELERY_BROKER_URL.

    python3 -m celery -A beat_app beat -S beat_app:TimedScheduler -s FILE -l warning

TimedScheduler is Celery's PersistentScheduler unchanged except that it prints
`bench: schedule set up at <unix time>` once its entries exist: each entry's first run is due one
second after its last_run_at, which Celery sets to "now" while building the entries, so that line
bounds the first due instant from above (the lag the benchmark computes is in Python's favour).
"""
import os
import time

from celery import Celery
from celery.beat import PersistentScheduler

app = Celery("beat_app", broker=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"))
app.conf.update(task_serializer="json", accept_content=["json"], timezone="UTC", enable_utc=True,
                beat_max_loop_interval=1,
                beat_schedule={f"e{i:05d}": {"task": "bench.noop", "schedule": 1.0, "args": (i,)}
                               for i in range(int(os.environ.get("BEAT_BENCH_ENTRIES", "10000")))})


class TimedScheduler(PersistentScheduler):
    def setup_schedule(self):
        super().setup_schedule()
        print(f"bench: schedule set up at {time.time():.6f}", flush=True)
