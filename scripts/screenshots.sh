#!/usr/bin/env bash
# Runs the console's browser tests (LineConnector.Tests/Console: local mode from the sample settings,
# Debian's chromium driven by Playwright) and copies the README's pictures from their screenshots
# (TestResults/console/) to docs/images/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
bash scripts/test.sh --filter "FullyQualifiedName~LineConnector.Tests.Console"
mkdir -p docs/images
cp TestResults/console/channels.png docs/images/console.png
cp TestResults/console/playground.png docs/images/playground.png
echo "docs/images/console.png and docs/images/playground.png updated"
