#!/usr/bin/python3
"""What tracing and metrics cost (issue 14, item 3): bench/Telemetry drains N bench.add tasks on the
in-memory broker (results stored in memory, one worker with 2 slots), in three builds/modes:

  base  the same program built against an older commit's src/ (default: main), before the telemetry;
  off   this tree, nothing listening: the price every user pays;
  on    this tree, an ActivityListener recording every span and a MeterListener on every instrument
        of the "Celeriac" meter: roughly what OpenTelemetry tracing + metrics cost, minus exporting.

Rounds alternate base/off/on so drift on a shared machine hits each alike; the medians are printed
with the off/base and on/off ratios, for sending (publish path) and draining (worker path), and the
bytes allocated per task (GC.GetTotalAllocatedBytes over the phase / N).

Run it through bench/run.sh telemetry [--count N] [--rounds R] [--base REV].
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def build_base(rev):
    """src/ and the build props of <rev>, with this tree's bench/Telemetry, built in a temp dir (cached by commit)."""
    commit = subprocess.check_output(["git", "rev-parse", "--short", rev], cwd=ROOT, text=True).strip()
    target = os.path.join(tempfile.gettempdir(), f"celeriac-telemetry-base-{commit}")
    dll = os.path.join(target, "bench/Telemetry/bin/Release/net10.0/Telemetry.dll")
    if not os.path.exists(dll):
        os.makedirs(target, exist_ok=True)
        archive = subprocess.run(["git", "archive", commit, "src", "Directory.Build.props"], cwd=ROOT, check=True, capture_output=True).stdout
        with tempfile.TemporaryFile() as f:
            f.write(archive)
            f.seek(0)
            tarfile.open(fileobj=f).extractall(target)
        os.makedirs(os.path.join(target, "bench/Telemetry"), exist_ok=True)
        for name in ("Program.cs", "Telemetry.csproj"):
            with open(os.path.join(HERE, "Telemetry", name)) as src, open(os.path.join(target, "bench/Telemetry", name), "w") as dst:
                dst.write(src.read())
        subprocess.run(["dotnet", "build", os.path.join(target, "bench/Telemetry"), "-c", "Release", "-v", "q", "-nologo"],
                       check=True, stdout=subprocess.DEVNULL)
    return commit, dll


def run(dll, mode, count):
    out = subprocess.run(["dotnet", dll, mode, str(count)], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--base", default="main", help="the commit to compare with (default main)")
    args = parser.parse_args()
    commit, base_dll = build_base(args.base)
    this_dll = os.path.join(HERE, "Telemetry/bin/Release/net10.0/Telemetry.dll")
    runs = {"base": [], "off": [], "on": []}
    for r in range(args.rounds):
        for name, dll, mode in (("base", base_dll, "off"), ("off", this_dll, "off"), ("on", this_dll, "on")):
            runs[name].append(run(dll, mode, args.count))
        print(f"round {r + 1}/{args.rounds}: " + ", ".join(
            f"{n} {runs[n][-1]['drain_per_s']}/s" for n in runs), file=sys.stderr)

    def med(name, key):
        return statistics.median(x[key] for x in runs[name])

    print(f"{args.count} tasks, {args.rounds} rounds, medians; base = {args.base} ({commit})")
    print(f"{'':6} {'send/s':>9} {'B/send':>8} {'CPU us/send':>12} {'drain/s':>9} {'B/task':>8} {'CPU us/task':>12}  spans/measurements")
    for name in runs:
        last = runs[name][-1]
        print(f"{name:6} {med(name, 'send_per_s'):>9.0f} {med(name, 'send_bytes'):>8.0f} {med(name, 'send_cpu_us'):>12.1f} "
              f"{med(name, 'drain_per_s'):>9.0f} {med(name, 'drain_bytes'):>8.0f} {med(name, 'drain_cpu_us'):>12.1f}  {last['spans']}/{last['measurements']}")
    for a, b in (("off", "base"), ("on", "off")):
        print(f"{a}/{b}: rate send {med(a, 'send_per_s') / med(b, 'send_per_s'):.3f}, drain {med(a, 'drain_per_s') / med(b, 'drain_per_s'):.3f}; "
              f"CPU send {med(a, 'send_cpu_us') / med(b, 'send_cpu_us'):.3f}, drain {med(a, 'drain_cpu_us') / med(b, 'drain_cpu_us'):.3f}; "
              f"bytes/send {med(a, 'send_bytes') - med(b, 'send_bytes'):+.0f}, bytes/task {med(a, 'drain_bytes') - med(b, 'drain_bytes'):+.0f}")


if __name__ == "__main__":
    main()
