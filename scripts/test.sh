#!/usr/bin/env bash
# The test command: installs what the tests need (idempotently), builds the solution in Release
# once, runs every test project, and ends with one line: "N passed, N failed, N skipped".
# Exits non-zero when a test failed, the test run itself failed, or no test ran.
# With CI=true a missing prerequisite is an error, never a skip.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# English output: the summary below is read from dotnet test's own summary lines.
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_CLI_UI_LANGUAGE=en
ci=false; [[ ${CI:-} == true || ${CI:-} == 1 ]] && ci=true

# Debian packages the tests need: a real redis-server (and openssl for its TLS tests), and Python
# Celery 5.2.6 with its Redis and AMQP clients for the interop tests (run with /usr/bin/python3), and a real
# rabbitmq-server (the tests start private instances on free ports; the system service is not used), and
# tzdata: the beat tests read IANA zones (Europe/Berlin, Australia/Lord_Howe, …) from /usr/share/zoneinfo;
# tmux: the `celeriac events` live view is driven in a real terminal.
# postgresql: the dashboard store's suite runs on a private cluster (initdb + pg_ctl from /usr/lib/postgresql/N/bin).
# chromium: the dashboard's browser tests drive Debian's Chromium (/usr/bin/chromium) through Playwright.
REQUIRED_PACKAGES=(redis-server rabbitmq-server openssl tzdata python3-celery python3-redis python3-amqp tmux postgresql chromium)

apt_updated=false
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
  done
  (( ${#missing[@]} == 0 )) && return 0
  if [[ $EUID -eq 0 ]]; then
    if [[ $apt_updated == false ]]; then apt-get update -qq; apt_updated=true; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
  elif [[ $ci == true ]]; then
    echo "error: missing packages: ${missing[*]} (run as root so the script can install them)" >&2
    exit 1
  else
    echo "warning: missing packages: ${missing[*]}; tests that need them will fail (run as root to install)" >&2
  fi
}

command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 1; }
ensure_packages "${REQUIRED_PACKAGES[@]}"
# Node.js and npm build the dashboard's front end (the build restores its packages from npm with the
# lockfile). Any Node 18+ serves; Debian's own is installed only when none is on PATH.
command -v npm >/dev/null || ensure_packages nodejs npm

dotnet build Celeriac.slnx -c Release

results=artifacts/test-results
rm -rf "$results" && mkdir -p "$results"
# The dashboard's browser tests (tests/Celeriac.Interop.Tests/Dashboard) save a screenshot of every page here,
# and one of the page at the moment a scenario failed under failures/.
screenshots=artifacts/screenshots
rm -rf "$screenshots"
status=0
# .trx files are kept for inspection; the counts come from the one summary line VSTest prints per
# test assembly ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..."), which does not
# depend on how the .trx files are named.
# One test project at a time: the Redis and interop suites start servers and worker processes, and
# on a 2-core machine running them all at once makes their timing tests flaky.
dotnet test Celeriac.slnx -c Release --no-build -m:1 --results-directory "$results" --logger trx 2>&1 |
  tee "$results/dotnet-test.log" || status=$?
read -r passed failed skipped < <(
  sed -nE 's/^(Passed|Failed)! +- Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+),.*/\3 \2 \4/p' "$results/dotnet-test.log" |
    awk '{ p += $1; f += $2; s += $3 } END { printf "%d %d %d\n", p, f, s }')

(( failed == 0 )) || status=1
if (( passed + failed == 0 )); then echo "error: no tests ran" >&2; status=1; fi
[[ -d $screenshots ]] && echo "dashboard screenshots: $(find "$screenshots" -name '*.png' | wc -l) in $PWD/$screenshots"
echo "$passed passed, $failed failed, $skipped skipped"
exit $(( status == 0 ? 0 : 1 ))
