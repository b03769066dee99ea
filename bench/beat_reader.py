"""Watching what a beat publishes from the broker's side, for bench/beat_bench.py.

BrokerReader takes every message off the kombu list `celery` as it lands (MULTI; LRANGE; DEL; EXEC
every few milliseconds; nothing consumes it otherwise) and keeps, per message, the instant it saw it
and the few headers the benchmark needs, pulled out with byte regexes (a JSON parse of 10,000
envelopes a second would take a core from the beat being measured).
"""
import re
import threading
import time
import uuid

import redis

_ID = re.compile(rb'"id":\s*"([0-9a-f-]{36})"')
_ARGSREPR = re.compile(rb'"argsrepr":\s*"([^"]*)"')
_ORIGIN = re.compile(rb'"origin":\s*"gen(\d+)@')


class Seen:
    __slots__ = ("at", "id", "argsrepr", "pid")

    def __init__(self, at, envelope):
        self.at = at
        self.id = _ID.search(envelope).group(1).decode()
        m = _ARGSREPR.search(envelope)
        self.argsrepr = m.group(1).decode() if m else ""
        m = _ORIGIN.search(envelope)
        self.pid = int(m.group(1)) if m else 0


class BrokerReader:
    """Reads the list in its own thread (start/stop) or in the caller's (run_for).

    While reading it only timestamps and keeps the raw envelopes; they are parsed when asked for
    (`seen`), so the reader's own work never delays the next look at the list.
    """

    def __init__(self, port, key="celery", poll=0.005):
        self.client = redis.Redis(host="127.0.0.1", port=port, db=0)
        self.key, self.poll = key, poll
        self._raw, self._seen, self._lock = [], [], threading.Lock()
        self._stop = threading.Event()
        self._thread = None

    @property
    def seen(self):
        """Every message so far, oldest first, parsed."""
        with self._lock:
            raw, self._raw = self._raw, []
        for at, envelopes in raw:
            self._seen.extend(Seen(at, e) for e in envelopes)
        return self._seen

    def count(self):
        """How many messages were read so far (without parsing them)."""
        with self._lock:
            return len(self._seen) + sum(len(e) for _, e in self._raw)

    def read_once(self):
        pipe = self.client.pipeline(transaction=True)
        pipe.lrange(self.key, 0, -1)
        pipe.delete(self.key)
        envelopes, _ = pipe.execute()
        at = time.time()
        if envelopes:
            envelopes.reverse()  # LPUSH puts the newest at the head: oldest first
            with self._lock:
                self._raw.append((at, envelopes))
        return len(envelopes)

    def run_for(self, seconds):
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            if not self.read_once():
                time.sleep(self.poll)

    def start(self):
        def loop():
            while not self._stop.is_set():
                if not self.read_once():
                    time.sleep(self.poll)
            self.read_once()
        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()

    def wait_for(self, match, within, start=0):
        """The first message from index `start` on that satisfies `match`, waiting up to `within` seconds."""
        deadline = time.monotonic() + within
        i = start
        while time.monotonic() < deadline:
            seen = self.seen
            while i < len(seen):
                if match(seen[i]):
                    return seen[i]
                i += 1
            time.sleep(0.002)
        return None


def run_id(entry, slot):
    """Our beat's task id for a run: uuid5(NAMESPACE_URL, 'celeriac-beat:<entry>:<slot UTC, microseconds>Z')."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(slot)) + ".000000Z"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"celeriac-beat:{entry}:{stamp}"))


def whole_second_ids(entries, first, last):
    """id -> (entry, slot) for every entry on every whole second in [first, last] (cron '* * * * * *' slots)."""
    ids = {}
    for second in range(int(first), int(last) + 1):
        for entry in entries:
            ids[run_id(entry, second)] = (entry, second)
    return ids


def percentile(values, percent):
    """Nearest rank, as the C# tests report it."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * percent // 100))
    return ordered[min(int(rank), len(ordered)) - 1]
