#!/usr/bin/python3
"""Celeriac vs Python Celery on one redis-server, in one run (issue: Redis broker and backend).

For each worker (the Celeriac interop worker, then Python Celery's prefork worker with 2
processes): a Python Celery producer pre-fills N bench.noop tasks, the worker starts, and we time
from its "ready" to the moment every result is stored; we sample the worker's process tree for its
peak resident memory; then a Python client runs sequential bench.add round trips
(delay(i, i).get()) and we report the median and p95.

Run it through bench/run.sh, which builds the Celeriac worker first.
"""
import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import redis
from celery import Celery

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="celeriac-bench-")
        exe = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen(
            [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(host="127.0.0.1", port=self.port)
        for _ in range(200):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.02)
        raise SystemExit("redis-server did not start")

    def url(self, db):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


def tree_rss_kb(pid):
    """Resident memory of a process and all its descendants, in KiB."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


class PeakMemory(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.running = pid, 0, True

    def run(self):
        while self.running:
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))
            time.sleep(0.05)


def start_worker(kind, server, concurrency, extra=()):
    env = dict(os.environ, CELERY_BROKER_URL=server.url(0), CELERY_RESULT_BACKEND=server.url(1))
    if kind == "celeriac":
        dll = os.path.join(ROOT, "samples/InteropWorker/bin/Release/net10.0/InteropWorker.dll")
        cmd = ["dotnet", dll, "--queues", "celery", "--hostname", "celeriac@bench"]
        if concurrency:
            cmd += ["--concurrency", str(concurrency)]
        ready_stream = "stdout"
    else:
        cmd = [sys.executable, "-m", "celery", "-A", "bench_tasks", "worker", "-P", "prefork", "-c", "2",
               "-Q", "celery", "-n", "python@bench", "--without-mingle", "--without-gossip", "-l", "info"]
        ready_stream = "stderr"
    cmd += list(extra)
    proc = subprocess.Popen(cmd, cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stream = proc.stdout if ready_stream == "stdout" else proc.stderr
    ready = threading.Event()

    def pump(s, watch):
        for line in s:
            if watch and "ready" in line:
                ready.set()
    for s in (proc.stdout, proc.stderr):
        threading.Thread(target=pump, args=(s, s is stream), daemon=True).start()
    if not ready.wait(60):
        proc.kill()
        raise SystemExit(f"{kind} worker did not become ready")
    return proc


def prefill(app, n):
    with app.producer_or_acquire() as producer:
        return [app.send_task("bench.noop", producer=producer).id for _ in range(n)]


def drain(kind, server, app, n, concurrency, extra=()):
    r0, r1 = redis.Redis(host="127.0.0.1", port=server.port, db=0), redis.Redis(host="127.0.0.1", port=server.port, db=1)
    r0.flushall()
    prefill(app, n)
    assert r0.llen("celery") == n, "prefill did not land in the queue"
    proc = start_worker(kind, server, concurrency, extra)
    memory = PeakMemory(proc.pid)
    memory.start()
    started = time.perf_counter()
    while r1.dbsize() < n:
        time.sleep(0.002)
        if time.perf_counter() - started > 300:
            raise SystemExit(f"{kind}: only {r1.dbsize()} of {n} results after 300 s")
    elapsed = time.perf_counter() - started
    return proc, memory, elapsed


def round_trips(app, count):
    for i in range(20):  # warm-up: connections, subscriptions
        app.send_task("bench.add", (i, i)).get(timeout=30)
    times = []
    for i in range(count):
        t = time.perf_counter()
        value = app.send_task("bench.add", (i, i)).get(timeout=30)
        times.append(time.perf_counter() - t)
        assert value == 2 * i, f"bench.add({i}, {i}) returned {value!r}"
    return statistics.median(times) * 1000, statistics.quantiles(times, n=20)[18] * 1000


def dotnet_round_trips(server, count):
    """The same round trips from a Celeriac client (bench/RoundTrip)."""
    dll = os.path.join(HERE, "RoundTrip/bin/Release/net10.0/RoundTrip.dll")
    out = subprocess.run(["dotnet", dll, server.url(0), server.url(1), str(count)], capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise SystemExit(f"RoundTrip failed: {out.stderr[-2000:]}")
    import json
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return r["median_ms"], r["p95_ms"]


def stop(proc, memory):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
    memory.running = False


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--round-trips", type=int, default=1000)
    parser.add_argument("--celeriac-concurrency", type=int, default=0, help="0 = the library's default")
    parser.add_argument("--only", choices=["celeriac", "python"])
    args = parser.parse_args()

    server = RedisServer()
    results = {}
    try:
        app = Celery("bench-client", broker=server.url(0), backend=server.url(1))
        app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])
        for kind in ["celeriac", "python"]:
            if args.only and kind != args.only:
                continue
            print(f"== {kind}: draining {args.tasks} bench.noop ...", flush=True)
            proc, memory, elapsed = drain(kind, server, app, args.tasks, args.celeriac_concurrency)
            print(f"== {kind}: {args.round_trips} sequential bench.add round trips ...", flush=True)
            median_ms, p95_ms = round_trips(app, args.round_trips)
            print(f"== {kind}: {args.round_trips} sequential bench.add round trips from a Celeriac client ...", flush=True)
            cs_median, cs_p95 = dotnet_round_trips(server, args.round_trips)
            stop(proc, memory)
            results[kind] = dict(rate=args.tasks / elapsed, seconds=elapsed, median=median_ms, p95=p95_ms,
                                 cs_median=cs_median, cs_p95=cs_p95, peak_mb=memory.peak_kb / 1024)
    finally:
        server.stop()

    print()
    print("round trips (rt) are sequential send + wait for the result; 'py' = from a Python Celery client, 'cs' = from a Celeriac client")
    print(f"{'worker':<10} {'drain tasks/s':>14} {'drain s':>8} {'py rt median':>13} {'py rt p95':>10} {'cs rt median':>13} {'cs rt p95':>10} {'peak MB':>8}")
    for kind, r in results.items():
        print(f"{kind:<10} {r['rate']:>14,.0f} {r['seconds']:>8.2f} {r['median']:>10.3f} ms {r['p95']:>7.3f} ms "
              f"{r['cs_median']:>10.3f} ms {r['cs_p95']:>7.3f} ms {r['peak_mb']:>8.1f}")
    if len(results) == 2:
        c, p = results["celeriac"], results["python"]
        print()
        print(f"drain: Celeriac {c['rate'] / p['rate']:.1f}x Python (target >= 20x)")
        print(f"round trip median, each stack with its own client: Celeriac {c['cs_median']:.3f} ms vs Celery {p['median']:.3f} ms"
              f" = {c['cs_median'] / p['median']:.2f} (target <= 0.25)")
        print(f"round trip median, Python client for both: {c['median'] / p['median']:.2f}")
        print(f"peak memory: Celeriac {c['peak_mb']:.0f} MB vs Python {p['peak_mb']:.0f} MB (target: lower)")


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    # Skip interpreter teardown: result objects would try to unsubscribe from the stopped server.
    os._exit(0)
