"""Python Celery 5.2's own beat for the interop tests: the contract's app (interop_tasks) with the
schedule read from INTEROP_BEAT_SCHEDULE, JSON in the schedule file's shape (docs/interop.md,
"Beat"): "schedule" is seconds or {"crontab": {...}}; args, kwargs, options and relative as Celery's.

Start it with:  /usr/bin/python3 -m celery -A interop_beat beat -s STATE_FILE -l info
It logs "beat: Starting..." once it runs.
"""
import json
import os

from celery.schedules import crontab

from interop_tasks import app


def _entry(definition):
    entry = dict(definition)
    schedule = entry["schedule"]
    entry["schedule"] = crontab(**schedule["crontab"]) if isinstance(schedule, dict) else float(schedule)
    return entry


app.conf.beat_schedule = {name: _entry(d) for name, d in json.loads(os.environ["INTEROP_BEAT_SCHEDULE"]).items()}
# Wake at least every second (the default 300 s would make the tests wait), as our beat does.
app.conf.beat_max_loop_interval = 1
