#!/usr/bin/env bash
# Builds the function app for Azure: publishes LineConnector.Functions self-contained for linux-x64
# and ReadyToRun (host.json at the root, one folder per function with its function.json, and the
# LineConnector.Functions executable that host.json names) and zips it for deployment.
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

# Self-contained: the handler does not depend on the .NET version of the Functions host's image.
# ReadyToRun: the app's and its packages' code is compiled ahead, so a cold start JITs less
# (README "Cold start"; scripts/cold-start.sh measures it).
dotnet publish LineConnector.Functions/LineConnector.Functions.csproj \
  --configuration Release --runtime linux-x64 --self-contained -p:PublishReadyToRun=true \
  --output "$app" -p:FunctionAppZip="$zip" --nologo >&2

echo "$zip"
