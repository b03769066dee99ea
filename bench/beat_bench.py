#!/usr/bin/python3
"""Beat: 10,000 entries due every second on one beat, Celeriac vs Python Celery 5.2.6's `celery beat`,
on one private redis-server, in one run (issue 13); then Celeriac's failover over 20 kills.

Nothing consumes: a reader (beat_reader.BrokerReader) takes each message off the list `celery` as it
lands and timestamps it, so every figure is seen from the broker's side.

  load      one beat with N entries of bench.noop due every second (Celeriac: `--beat-only` with
            `{"cron": "* * * * * *"}` entries, whose slots are whole seconds; Python: `celery beat`
            with `schedule: 1.0`, python/beat_app.py). After a warm-up, for --seconds:
              lag     from a run's scheduled instant to the reader seeing it, p50/p99/max. Ours: the
                      slot is recovered by recomputing the task id (uuid5 of entry + slot) over the
                      whole seconds. Python's beat has no fixed slots: an entry is due 1 s after its
                      last_run_at, which Celery sets just before it publishes, so the due instant is
                      taken as the entry's previous arrival + 1 s (its first: schedule set-up + 1 s):
                      both bounds favour Python. A run due in the window and not published by its
                      end counts with the lag it had reached (a lower bound).
              runs/s  messages published per second (the goal is N).
              CPU     the beat process's user + system CPU time (/proc/<pid>/stat) per run, and
                      redis-server's (our publish script runs there).
  failover  three Celeriac `--beat-only` replicas with one entry due every second; --kills times:
            at a random instant in the second, SIGKILL the process that published the last run (its
            pid is in the message's `origin` header), time from the kill to the next run seen from
            another replica, restart a replica in its place. Runs are checked for duplicates and gaps.
            Python has no counterpart (two `celery beat` processes publish every run twice).

Run it through `bench/run.sh beat`, which builds the Celeriac worker first.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (the private redis-server)
from beat_reader import BrokerReader, percentile, whole_second_ids  # noqa: E402
from events import tree_cpu_seconds  # noqa: E402

ROOT = os.path.dirname(HERE)
DLL = os.path.join(ROOT, "samples/InteropWorker/bin/Release/net10.0/InteropWorker.dll")


class Started:
    """A child process whose output is kept; started() waits for a line containing `marker`."""

    def __init__(self, cmd, env, marker, cwd=HERE):
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines, self.ready_line = [], None
        self._ready = threading.Event()

        def pump():
            for line in self.proc.stdout:
                self.lines.append(line.rstrip())
                if marker in line and self.ready_line is None:
                    self.ready_line = line.strip()
                    self._ready.set()
        threading.Thread(target=pump, daemon=True).start()
        if not self._ready.wait(120):
            self.kill()
            raise SystemExit(f"{cmd[:3]} did not print {marker!r}:\n" + "\n".join(self.lines[-30:]))

    @property
    def pid(self):
        return self.proc.pid

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def celeriac_beat(server, schedule, directory, name):
    env = dict(os.environ, CELERY_BROKER_URL=server.url(0), DOTNET_NOLOGO="1")
    return Started(["dotnet", DLL, "--beat-only", "--schedule", schedule, "--beat-state", os.path.join(directory, name + ".json"),
                    "--hostname", name + "@bench"], env, " ready")


def write_schedule(directory, entries):
    path = os.path.join(directory, "schedule.json")
    with open(path, "w") as f:
        json.dump({f"e{i:05d}": {"task": "bench.noop", "schedule": {"cron": "* * * * * *"}, "args": [i]} for i in range(entries)}, f)
    return path


def measure(reader, beat_pid, redis_pid, warmup, seconds):
    """Reads through the warm-up, then for `seconds`: the window, the messages seen in it and the CPU both processes spent."""
    reader.run_for(warmup)
    t0, n0, cpu0, rcpu0 = time.time(), reader.count(), tree_cpu_seconds(beat_pid), tree_cpu_seconds(redis_pid)
    reader.run_for(seconds)
    t1, n1, cpu1, rcpu1 = time.time(), reader.count(), tree_cpu_seconds(beat_pid), tree_cpu_seconds(redis_pid)
    runs = max(n1 - n0, 1)
    return dict(t0=t0, t1=t1, runs=n1 - n0, rate=(n1 - n0) / (t1 - t0), cpu_us=(cpu1 - cpu0) / runs * 1e6, redis_cpu_us=(rcpu1 - rcpu0) / runs * 1e6)


def lag_figures(lags):
    ms = [lag * 1000 for lag in lags]
    return dict(min=min(ms) if ms else float("nan"), p50=percentile(ms, 50), p99=percentile(ms, 99), max=max(ms) if ms else float("nan"), n=len(ms))


def run_celeriac(server, entries, warmup, seconds):
    server_client = bench.redis.Redis(host="127.0.0.1", port=server.port)
    server_client.flushall()
    with tempfile.TemporaryDirectory(prefix="celeriac-beat-bench-") as directory:
        reader = BrokerReader(server.port)
        beat = celeriac_beat(server, write_schedule(directory, entries), directory, "load")
        started = time.time()
        try:
            m = measure(reader, beat.pid, server.proc.pid, warmup, seconds)
        finally:
            beat.stop()
        reader.read_once()
    names = [f"e{i:05d}" for i in range(entries)]
    ids = whole_second_ids(names, started - 2, m["t1"] + 2)
    counts, unknown, lags = {}, 0, []
    first_slot, last_slot = int(m["t0"]) + 1, int(m["t1"]) - 1  # whole seconds due inside the window
    for s in reader.seen:
        counts[s.id] = counts.get(s.id, 0) + 1
        match = ids.get(s.id)
        if match is None:
            unknown += 1
        elif first_slot <= match[1] <= last_slot:
            lags.append(s.at - match[1])
    published = {ids[i] for i in counts if i in ids}
    missing = [(e, t) for t in range(first_slot, last_slot + 1) for e in names if (e, t) not in published]
    lags.extend(m["t1"] - t for _, t in missing)
    m.update(lag_figures(lags), duplicates=sum(c - 1 for c in counts.values()), unknown=unknown, missing=len(missing),
             due=entries * (last_slot - first_slot + 1))
    return m


def run_python(server, entries, warmup, seconds):
    bench.redis.Redis(host="127.0.0.1", port=server.port).flushall()
    with tempfile.TemporaryDirectory(prefix="celery-beat-bench-") as directory:
        reader = BrokerReader(server.port)
        env = dict(os.environ, CELERY_BROKER_URL=server.url(0), BEAT_BENCH_ENTRIES=str(entries), PYTHONDONTWRITEBYTECODE="1")
        beat = Started([sys.executable, "-m", "celery", "-A", "beat_app", "beat", "-S", "beat_app:TimedScheduler",
                        "-s", os.path.join(directory, "celerybeat-schedule"), "-l", "warning"], env, "bench: schedule set up at")
        set_up = float(beat.ready_line.split()[-1])
        try:
            m = measure(reader, beat.pid, server.proc.pid, warmup, seconds)
        finally:
            beat.stop()
        reader.read_once()
    # Due = the entry's previous run + 1 s (its first: set-up + 1 s); see the module doc.
    previous, lags, counts = {}, [], {}
    for s in reader.seen:
        counts[s.id] = counts.get(s.id, 0) + 1
        entry = int(s.argsrepr.strip("[](),"))  # bench.noop(i): argsrepr "[i]"
        due = previous.get(entry, set_up) + 1.0
        previous[entry] = s.at
        if m["t0"] <= s.at <= m["t1"]:
            lags.append(s.at - due)
    pending = [m["t1"] - (previous.get(i, set_up) + 1.0) for i in range(entries)]
    lags.extend(p for p in pending if p > 0)
    m.update(lag_figures(lags), duplicates=sum(c - 1 for c in counts.values()), unknown=0,
             missing=sum(1 for p in pending if p > 0), due=None)
    return m


def failover(server, kills, replicas=3):
    bench.redis.Redis(host="127.0.0.1", port=server.port).flushall()
    gaps, log = [], []
    with tempfile.TemporaryDirectory(prefix="celeriac-beat-failover-") as directory:
        schedule = os.path.join(directory, "schedule.json")
        with open(schedule, "w") as f:
            json.dump({"tick": {"task": "bench.noop", "schedule": {"cron": "* * * * * *"}, "args": [0]}}, f)
        reader = BrokerReader(server.port)
        reader.start()
        alive = [celeriac_beat(server, schedule, directory, f"r{i}") for i in range(replicas)]
        dead = []
        started = time.time()
        try:
            if reader.wait_for(lambda s: True, 30) is None:
                raise SystemExit("failover: no run published within 30 s")
            for k in range(kills):
                time.sleep(random.uniform(0.0, 1.0))
                last = reader.seen[-1]
                victim = next((b for b in alive if b.pid == last.pid), None)
                if victim is None:
                    raise SystemExit(f"failover: the last run came from pid {last.pid}, not a live replica")
                mark = reader.count()
                victim.proc.kill()
                killed_at = time.time()
                victim.proc.wait()
                alive.remove(victim)
                dead.append(victim)
                nxt = reader.wait_for(lambda s: s.pid != victim.pid and s.at > killed_at, 30, max(mark - 5, 0))
                if nxt is None:
                    raise SystemExit(f"failover: no replica published within 30 s of kill {k + 1}")
                gaps.append(nxt.at - killed_at)
                log.append(f"kill {k + 1:>2}: pid {victim.pid} → pid {nxt.pid} after {gaps[-1] * 1000:.0f} ms")
                print("   " + log[-1], flush=True)
                alive.append(celeriac_beat(server, schedule, directory, f"k{k}"))
                reader.wait_for(lambda s: True, 30, reader.count())
        finally:
            for b in alive:
                b.stop()
            reader.stop()
    ids = whole_second_ids(["tick"], started - 2, time.time() + 2)
    slots, counts = [], {}
    for s in reader.seen:
        counts[s.id] = counts.get(s.id, 0) + 1
        if s.id in ids:
            slots.append(ids[s.id][1])
    unique = sorted(set(slots))
    missing = (unique[-1] - unique[0] + 1 - len(unique)) if unique else 0
    return dict(gaps=gaps, duplicates=sum(c - 1 for c in counts.values()), missing=missing, runs=len(slots),
                unknown=sum(1 for s in reader.seen if s.id not in ids))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--seconds", type=float, default=30, help="the measured window of the load run")
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--kills", type=int, default=20, help="failover rounds (0: none)")
    parser.add_argument("--only", choices=["celeriac", "python"], help="one load run only (no failover with python)")
    args = parser.parse_args()

    server = bench.RedisServer()
    results, fail = {}, None
    try:
        for kind, run in (("celeriac", run_celeriac), ("python", run_python)):
            if args.only and kind != args.only:
                continue
            print(f"== {kind}: {args.entries} entries due every second, {args.warmup:.0f} s warm-up + {args.seconds:.0f} s measured ...", flush=True)
            results[kind] = run(server, args.entries, args.warmup, args.seconds)
        if args.kills and args.only != "python":
            print(f"== celeriac: failover, 3 --beat-only replicas, {args.kills} SIGKILLs of the publisher ...", flush=True)
            fail = failover(server, args.kills)
    finally:
        server.stop()

    print()
    print(f"load: {args.entries} entries due every second; lag = scheduled instant → message on the broker")
    print(f"{'beat':<10} {'runs/s':>9} {'lag min ms':>11} {'lag p50 ms':>11} {'lag p99 ms':>11} {'lag max ms':>11} {'CPU µs/run':>11} {'redis µs/run':>13} {'overdue':>9} {'dups':>5}")
    for kind, r in results.items():
        print(f"{kind:<10} {r['rate']:>9,.0f} {r['min']:>11.1f} {r['p50']:>11.1f} {r['p99']:>11.1f} {r['max']:>11.1f} {r['cpu_us']:>11.1f} {r['redis_cpu_us']:>13.1f} "
              f"{r['missing']:>9,} {r['duplicates']:>5}")
    print("overdue: Celeriac's runs due in the window and not published by its end; Python's entries with a run overdue at the end")
    if "celeriac" in results and results["celeriac"]["unknown"]:
        print(f"celeriac: {results['celeriac']['unknown']} messages whose id is no whole-second slot of an entry")
    if len(results) == 2:
        c, p = results["celeriac"], results["python"]
        print()
        print(f"runs/s: Celeriac {c['rate'] / p['rate']:.1f}x Python (goal: {args.entries:,}/s)")
        print(f"lag p50: Python {p['p50'] / c['p50']:.1f}x Celeriac's; p99: {p['p99'] / c['p99']:.1f}x")
        print(f"CPU per run (beat process): Python {p['cpu_us'] / c['cpu_us']:.1f}x Celeriac's")
    if fail:
        g = sorted(x * 1000 for x in fail["gaps"])
        print()
        print(f"failover over {len(g)} kills (kill → next run from another replica): p50 {percentile(g, 50):.0f} ms, "
              f"mean {sum(g) / len(g):.0f} ms, max {g[-1]:.0f} ms, min {g[0]:.0f} ms (lease 3 s + 1 s retry: goal ≤ 4,000 ms)")
        print(f"failover runs: {fail['runs']} published, {fail['duplicates']} duplicates, {fail['missing']} missing slots, {fail['unknown']} unknown ids")
        print("python: no failover to compare (two celery beat processes publish every run twice)")


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)
