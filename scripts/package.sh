#!/usr/bin/env bash
# Builds the function app for Azure: publishes LineConnector.Functions self-contained for linux-x64
# and ReadyToRun (host.json at the root, one folder per function with its function.json, and the
# LineConnector.Functions executable that host.json names) and zips it for deployment. Stamps a
# build id into the package: GET /api/health answers it and scripts/deploy-package.sh waits for it;
# the zip's build-id file holds it too.
#   scripts/package.sh [output directory]      (default: publish)
# Prints the path of the zip: <output directory>/LineConnector.Functions.zip
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-publish}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
app="$out/LineConnector.Functions"
zip="$out/LineConnector.Functions.zip"
rm -rf "$app" "$zip"

# When it was packaged and from which commit: unique for each packaging, even of the same commit.
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then commit="$commit-modified"; fi
build_id="$(date -u +%Y%m%dT%H%M%SZ)-$commit"

# Self-contained: the handler does not depend on the .NET version of the Functions host's image.
# ReadyToRun: the app's and its packages' code is compiled ahead, so a cold start JITs less
# (README "Cold start"; scripts/cold-start.sh measures it).
dotnet publish LineConnector.Functions/LineConnector.Functions.csproj \
  --configuration Release --runtime linux-x64 --self-contained -p:PublishReadyToRun=true \
  --output "$app" -p:FunctionAppZip="$zip" -p:BuildId="$build_id" --nologo >&2

echo "Packaged build $build_id" >&2
echo "$zip"
