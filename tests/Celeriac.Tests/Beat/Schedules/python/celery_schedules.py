"""Python Celery 5.2.6's own answers for the schedule parity tests.

Reads one JSON object on stdin and prints one JSON object:
  crontab:  [{"fields": [minute, hour, day_of_week, day_of_month, month_of_year], "zone": z, "at": iso}]
            -> {"next": iso UTC} = now + crontab(...).remaining_estimate(last_run_at), with
               last_run_at = now = "at" read in the zone (what beat computes right after a run),
               or {"error": "parse: ..."} / {"error": "runtime: ..."}
  parse:    [{"spec": s, "max": n, "min": m}] -> {"values": [...]} | {"error": "..."}
  relative: [{"seconds": s, "zone": z, "at": iso}] -> {"next": iso UTC} for schedule(s, relative=True)
"""
import json
import sys
from datetime import datetime, timedelta, timezone

import celery
import pytz
from celery import Celery
from celery.schedules import crontab, schedule

apps = {}


def app_for(zone):
    if zone not in apps:
        app = Celery('parity', set_as_current=False)
        app.conf.timezone = zone
        app.conf.enable_utc = True
        apps[zone] = app
    return apps[zone]


def local(at, zone):
    return datetime.fromisoformat(at.replace('Z', '+00:00')).astimezone(pytz.timezone(zone))


def utc_iso(dt):
    return dt.astimezone(timezone.utc).isoformat()


def next_crontab(case):
    last = local(case['at'], case['zone'])
    minute, hour, dow, dom, moy = case['fields']
    try:
        c = crontab(minute=minute, hour=hour, day_of_week=dow, day_of_month=dom,
                    month_of_year=moy, app=app_for(case['zone']), nowfun=lambda: last)
    except Exception as e:  # noqa: BLE001 - any refusal is what we compare
        return {'error': f'parse: {type(e).__name__}: {e}'}
    try:
        return {'next': utc_iso(last + c.remaining_estimate(last))}
    except Exception as e:  # noqa: BLE001
        return {'error': f'runtime: {type(e).__name__}: {e}'}


def parse(case):
    try:
        return {'values': sorted(crontab._expand_cronspec(case['spec'], case['max'], case['min']))}
    except Exception as e:  # noqa: BLE001
        return {'error': f'{type(e).__name__}: {e}'}


def next_relative(case):
    last = local(case['at'], case['zone'])
    s = schedule(timedelta(seconds=case['seconds']), relative=True,
                 app=app_for(case['zone']), nowfun=lambda: last)
    return {'next': utc_iso(last + s.remaining_estimate(last))}


def main():
    request = json.load(sys.stdin)
    json.dump({
        'celery': celery.__version__,
        'crontab': [next_crontab(c) for c in request.get('crontab', [])],
        'parse': [parse(c) for c in request.get('parse', [])],
        'relative': [next_relative(c) for c in request.get('relative', [])],
    }, sys.stdout)


main()
