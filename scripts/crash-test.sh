#!/usr/bin/env bash
# Crash test of local mode (LineConnector.Tests/LocalMode/LocalModeCrashTests.cs) at full size: starts the
# built app as a process on a fresh store file, sends signed events from many users to an active channel
# whose destination (a server in the test) records them, kills the app with SIGKILL once half the events
# were answered 200, starts it again on the same file, and checks that every event answered 200 reached
# the destination, in order per user, any repeat with the same delivery id. Prints the run's figures.
# Usage: scripts/crash-test.sh [events] [users]      (CI runs the same test with 300 events)
set -euo pipefail
cd "$(dirname "$0")/.."
export LINECONNECTOR_CRASH_EVENTS=${1:-2000} LINECONNECTOR_CRASH_USERS=${2:-50}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test LineConnector.Tests -c Release --filter "FullyQualifiedName~LocalModeCrashTests" --logger "console;verbosity=detailed" >"$log" 2>&1 || status=$?
grep -E "crash test:" "$log" || true
if [ "$status" -ne 0 ]; then tail -80 "$log"; echo "crash test failed"; else echo "crash test passed"; fi
exit "$status"
