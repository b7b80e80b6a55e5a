#!/usr/bin/env bash
# Deploys a package made by scripts/package.sh to the function app that infra/main.bicep created,
# then waits until the app answers GET /api/health with the package's build id (the zip's build-id):
# until then the old code may still be running, and the script fails if it does not change.
#   Flex Consumption: the platform's deployment (az functionapp deployment source config-zip, which
#     the platform writes into the releases container with the deployment identity).
#   Elastic Premium, Dedicated: uploads the zip to the private releases container with Microsoft
#     Entra ID (no storage key; the app runs it from there, WEBSITE_RUN_FROM_PACKAGE), restarts the
#     app so that it loads the new package and syncs its triggers.
# Then it waits until the host lists every function of the package.
#   scripts/deploy-package.sh <resource group> <zip> [deployment name]    (default: line-connector)
# Needs the Azure CLI, signed in as a principal with Website Contributor (or Contributor) on the
# function app and, on Elastic Premium and Dedicated, Storage Blob Data Contributor on the releases
# container (main.bicep's deploymentPrincipalId or operatorPrincipalId); and unzip and curl.
set -euo pipefail
usage="usage: scripts/deploy-package.sh <resource group> <zip> [deployment name]"
group="${1:?$usage}"
zip="${2:?$usage}"
deployment="${3:-line-connector}"
if [ ! -f "$zip" ]; then
  echo "No package at $zip: run scripts/package.sh first." >&2
  exit 2
fi
build_id=$(unzip -p "$zip" build-id 2>/dev/null | tr -d '[:space:]' || true)
if [ -z "$build_id" ]; then
  echo "$zip has no build-id: make it with scripts/package.sh." >&2
  exit 2
fi

output() {
  az deployment group show --resource-group "$group" --name "$deployment" \
    --query "properties.outputs.$1.value" --output tsv
}
plan=$(output hostingPlan)
app=$(output functionAppName)
url=$(output functionAppUrl)

if [ "$plan" = "FlexConsumption" ]; then
  # A role assigned by the deployment a moment ago can take a few minutes to apply: retry.
  for attempt in $(seq 1 10); do
    if az functionapp deployment source config-zip --resource-group "$group" --name "$app" --src "$zip" \
         --only-show-errors --output none; then
      break
    fi
    if [ "$attempt" -eq 10 ]; then
      echo "Could not deploy $zip to $app: check Website Contributor on the app and the deployment identity's role on the releases container." >&2
      exit 1
    fi
    echo "Deployment refused (attempt $attempt); retrying in 30 s." >&2
    sleep 30
  done
else
  account=$(output releasesStorageAccountName)
  container=$(output releasesContainerName)
  blob=$(output packageBlobName)
  for attempt in $(seq 1 10); do
    if az storage blob upload --auth-mode login --account-name "$account" --container-name "$container" \
         --name "$blob" --file "$zip" --overwrite --only-show-errors --output none; then
      break
    fi
    if [ "$attempt" -eq 10 ]; then
      echo "Could not upload $zip to $account/$container: check the signed-in principal's Storage Blob Data Contributor role." >&2
      exit 1
    fi
    echo "Upload refused (attempt $attempt); retrying in 30 s." >&2
    sleep 30
  done
  az functionapp restart --resource-group "$group" --name "$app" --output none
  site_id=$(az functionapp show --resource-group "$group" --name "$app" --query id --output tsv)
  az resource invoke-action --action syncfunctiontriggers --ids "$site_id" --output none
fi

# The new package is running once /api/health reports its build id.
answered=""
for attempt in $(seq 1 40); do
  answered=$(curl --silent --max-time 10 "$url/api/health" | sed -n 's/.*"build":"\([^"]*\)".*/\1/p' || true)
  if [ "$answered" = "$build_id" ]; then
    break
  fi
  if [ "$attempt" -eq 40 ]; then
    echo "$app still answers build [${answered:-no answer}] after 10 minutes, not $build_id: the new package is not running." >&2
    echo "Look at its logs in Application Insights (docs/operations.md)." >&2
    exit 1
  fi
  sleep 15
done

expected=$(unzip -Z1 "$zip" | sed -n 's#^\([^/]*\)/function\.json$#\1#p' | sort)
for attempt in $(seq 1 20); do
  listed=$(az functionapp function list --resource-group "$group" --name "$app" --query "[].name" --output tsv 2>/dev/null \
    | sed 's#.*/##' | sort || true)
  if [ "$listed" = "$expected" ]; then
    echo "Deployed build $build_id ($(basename "$zip")) to $app: $(echo "$expected" | tr '\n' ' ')"
    exit 0
  fi
  sleep 15
done
echo "$app runs build $build_id, but its host lists [$(echo "$listed" | tr '\n' ' ')] instead of [$(echo "$expected" | tr '\n' ' ')]." >&2
echo "Look at its logs in Application Insights (docs/operations.md)." >&2
exit 1
