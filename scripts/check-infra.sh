#!/usr/bin/env bash
# Compiles and lints infra/ with the Bicep CLI that LineConnector.Tests downloads on restore (a
# PackageDownload of Azure.Bicep.CommandLine.linux-x64): `bicep build` of infra/main.bicep,
# `bicep build-params` of every .bicepparam and `bicep lint` of every .bicep and .bicepparam, with
# the rules of infra/bicepconfig.json. Prints each result, then "bicep: N errors, M warnings" (each
# diagnostic counted once, though linting main.bicep repeats its modules'), and fails on any error
# or warning: bicep lint itself exits 0 on warnings. The ARM JSON is written to a temporary folder
# and removed; the tests compile their own.
set -euo pipefail
cd "$(dirname "$0")/.."
project=LineConnector.Tests/LineConnector.Tests.csproj

dotnet restore "$project" --nologo --verbosity quiet
bicep=$(dotnet msbuild "$project" -nologo -getProperty:BicepPath)
if [ ! -x "$bicep" ]; then
  echo "No Bicep CLI at $bicep after restoring $project (the package is built for linux-x64)." >&2
  exit 1
fi
echo "$("$bicep" --version) ($bicep)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: >"$work/diagnostics"
failed=0

# step LABEL COMMAND...: runs one Bicep command, prints its result and its diagnostics.
step() {
  local label=$1 status=0
  shift
  "$@" >"$work/output" 2>&1 || status=$?
  grep -E ' : (Error|Warning) ' "$work/output" >>"$work/diagnostics" || true
  local errors warnings
  errors=$(grep -cE ' : Error ' "$work/output" || true)
  warnings=$(grep -cE ' : Warning ' "$work/output" || true)
  if [ "$status" -ne 0 ] || [ "$errors" -ne 0 ] || [ "$warnings" -ne 0 ]; then
    failed=1
    echo "$label: FAILED (exit $status, $errors errors, $warnings warnings)"
    sed 's/^/    /' "$work/output"
  else
    echo "$label: ok (0 errors, 0 warnings)"
  fi
}

step "bicep build infra/main.bicep" "$bicep" build infra/main.bicep --outdir "$work"
while IFS= read -r file; do
  step "bicep build-params $file" "$bicep" build-params "$file" --outfile "$work/$(basename "$file" .bicepparam).parameters.json"
done < <(find infra -name '*.bicepparam' | sort)
while IFS= read -r file; do
  step "bicep lint $file" "$bicep" lint "$file"
done < <(find infra -name '*.bicep' -o -name '*.bicepparam' | sort)

errors=$(sort -u "$work/diagnostics" | grep -cE ' : Error ' || true)
warnings=$(sort -u "$work/diagnostics" | grep -cE ' : Warning ' || true)
echo "bicep: $errors errors, $warnings warnings"
exit "$failed"
