#!/usr/bin/env bash
# The webhook fuzzer at full size: signed mutations of LINE's own webhook bodies through the
# connector's real endpoint in local mode (LineConnector.Tests/Webhook/WebhookFuzzTests.cs; the test
# suite runs 5,000 cases). Fails on any 5xx answer, any dead-lettered event, any plain message that
# does not reach the destination after a mutated body, or memory that grows out of bounds; prints
# the answers, the time and the memory. The whole output is in TestResults/fuzz-webhook.log.
#   bash scripts/fuzz-webhook.sh [cases (100000)] [seed (20261121)]
set -euo pipefail
cd "$(dirname "$0")/.."
export LINECONNECTOR_FUZZ_WEBHOOK_CASES="${1:-100000}"
export LINECONNECTOR_FUZZ_WEBHOOK_SEED="${2:-20261121}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p TestResults
log=TestResults/fuzz-webhook.log
status=0
dotnet test LineConnector.Tests/LineConnector.Tests.csproj -c Release \
  --filter "FullyQualifiedName~LineConnector.Tests.Webhook.WebhookFuzzTests" \
  --logger "console;verbosity=detailed" >"$log" 2>&1 || status=$?
grep -E "cases \(seed|Error Message|^ +Expected" "$log" | sort -u || true
[ "$status" -eq 0 ] && echo "fuzz-webhook: passed" || echo "fuzz-webhook: FAILED (see $log)"
exit "$status"
