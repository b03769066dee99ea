#!/usr/bin/python3
"""Collecting many results: send N bench.add and collect every result (issue 10, item 10).

Runs each client against each worker on one redis-server:
  (a) a Python Celery client (ResultSet.join_native) against Python Celery's prefork worker (-c 2),
  (b) the same Python client against the Celeriac interop worker,
  (c) a Celeriac client (bench/Collect: GroupResult over the sent results, JoinAsync) against the
      Celeriac worker, and for completeness (d) the Celeriac client against the Python worker.
Two figures per pair: "collect" times the join alone, started once the worker has stored every
result (what the client costs); "end to end" times send + join with the join started right after
the last send, while the worker still works (bounded by the worker too).

Run it through bench/run.sh collect, which builds the worker and the Celeriac client first.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time

import redis

from bench import HERE, RedisServer, start_worker

PAIRS = [("python", "python"), ("python", "celeriac"), ("celeriac", "celeriac"), ("celeriac", "python")]


def client_command(client, server, count, warmup, mode):
    urls = [server.url(0), server.url(1)]
    if client == "celeriac":
        dll = os.path.join(HERE, "Collect/bin/Release/net10.0/Collect.dll")
        return ["dotnet", dll, *urls, str(count), str(warmup), mode]
    return [sys.executable, os.path.join(HERE, "collect_client.py"), *urls, str(count), str(warmup), mode]


def run_client(client, server, count, warmup, mode):
    r1 = redis.Redis(host="127.0.0.1", port=server.port, db=1)
    proc = subprocess.Popen(client_command(client, server, count, warmup, mode), cwd=HERE,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if line.strip() != "sent":
        proc.kill()
        raise SystemExit(f"{client} client: expected 'sent', got {line!r}: {proc.stderr.read()[-2000:]}")
    # After "sent": how long until the worker has stored every result (in "live" mode the join runs
    # meanwhile, so the join's lag behind the worker is what collecting adds).
    started = time.perf_counter()
    while r1.dbsize() < count + warmup:
        time.sleep(0.005)
        if time.perf_counter() - started > 300:
            raise SystemExit(f"only {r1.dbsize()} of {count + warmup} results after 300 s")
    worker_s = time.perf_counter() - started
    if mode == "stored":
        proc.stdin.write("go\n")
        proc.stdin.flush()
    out, err = proc.communicate(timeout=600)
    if proc.returncode != 0:
        raise SystemExit(f"{client} client failed: {err[-2000:]}")
    return dict(json.loads(out.strip().splitlines()[-1]), worker_s=worker_s)


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--warmup", type=int, default=2000, help="tasks sent and collected before the measured ones")
    parser.add_argument("--only", choices=["python", "celeriac"], help="run one worker's pairs only")
    parser.add_argument("--celeriac-concurrency", type=int, default=0, help="0 = the library's default")
    args = parser.parse_args()

    server = RedisServer()
    results = {}
    try:
        for worker in [args.only] if args.only else ["python", "celeriac"]:
            proc = start_worker(worker, server, args.celeriac_concurrency)
            try:
                for client, w in PAIRS:
                    if w != worker:
                        continue
                    for mode in ["stored", "live"]:
                        redis.Redis(host="127.0.0.1", port=server.port).flushall()
                        print(f"== {client} client, {worker} worker, {mode}: {args.tasks} bench.add ...", flush=True)
                        results[(client, worker, mode)] = run_client(client, server, args.tasks, args.warmup, mode)
            finally:
                stop(proc)
    finally:
        server.stop()

    n = args.tasks
    print()
    print(f"{n} bench.add sent, then every result collected. 'collect' = the join alone, started once every result")
    print("is stored; 'end to end' = first send to last result, the join started right after the last send.")
    print("'join lag' = how long the live join ended after the worker had stored the last result.")
    print(f"{'client':<9} {'worker':<9} {'collect results/s':>18} {'end to end results/s':>21} {'join lag s':>11} {'sends/s':>9}")
    rate = {}
    for client, worker in [p for p in PAIRS if (*p, "stored") in results]:
        stored, live = results[(client, worker, "stored")], results[(client, worker, "live")]
        rate[(client, worker)] = n / stored["collect_s"]
        end_to_end = n / (live["send_s"] + live["collect_s"])
        lag = live["collect_s"] - live["worker_s"]
        print(f"{client:<9} {worker:<9} {rate[(client, worker)]:>18,.0f} {end_to_end:>21,.0f} {lag:>11.2f} {n / stored['send_s']:>9,.0f}")
    if len(rate) < len(PAIRS):
        return
    a, b, c = rate[("python", "python")], rate[("python", "celeriac")], rate[("celeriac", "celeriac")]
    print()
    print(f"collect: (c) Celeriac client + worker {c:,.0f}/s (goal >= 20,000/s) = {c / a:.1f}x (a) Python client + worker, "
          f"{c / b:.1f}x (b) Python client on the Celeriac worker; (b)/(a) = {b / a:.2f}")


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)
