#!/usr/bin/env bash
# The in-process media-probe fuzzer at scale: seeded mutations of the media fixtures (and of headers
# built by the test), some declared as files of about 2^60 bytes. Every case must end without an
# unforeseen exception, with no negative duration, within the read budget, in at most 100 ms.
# CI runs 20,000 cases as part of the tests; this runs 1,000,000 unless told otherwise.
#   bash scripts/fuzz-media.sh [cases] [seed]
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-1000000}"
seed="${2:-20260601}"
LINECONNECTOR_MEDIA_FUZZ_CASES="$cases" LINECONNECTOR_MEDIA_FUZZ_SEED="$seed" \
  dotnet test LineConnector.Tests/LineConnector.Tests.csproj -c Release \
    --filter "FullyQualifiedName~MediaProbeFuzzTests.Mutated_media_never_break_the_probe" \
    --logger "console;verbosity=normal"
