#!/usr/bin/env bash
# Deploys a package made by scripts/package.sh to the function app that infra/main.bicep created:
# uploads the zip to the private releases container with Microsoft Entra ID (no storage key; the app
# runs it from there, WEBSITE_RUN_FROM_PACKAGE), restarts the app so that it loads the new package,
# syncs its triggers with the platform, and waits until the host lists every function of the package.
#   scripts/deploy-package.sh <resource group> <zip> [deployment name]    (default: line-connector)
# Needs the Azure CLI, signed in as a principal with Storage Blob Data Contributor on the releases
# container (main.bicep's deploymentPrincipalId or operatorPrincipalId) and Website Contributor (or
# Contributor) on the function app; and unzip.
set -euo pipefail
usage="usage: scripts/deploy-package.sh <resource group> <zip> [deployment name]"
group="${1:?$usage}"
zip="${2:?$usage}"
deployment="${3:-line-connector}"
if [ ! -f "$zip" ]; then
  echo "No package at $zip: run scripts/package.sh first." >&2
  exit 2
fi

output() {
  az deployment group show --resource-group "$group" --name "$deployment" \
    --query "properties.outputs.$1.value" --output tsv
}
account=$(output storageAccountName)
container=$(output releasesContainerName)
blob=$(output packageBlobName)
app=$(output functionAppName)

# A role assigned by the deployment a moment ago can take a few minutes to apply: retry the upload.
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

expected=$(unzip -Z1 "$zip" | sed -n 's#^\([^/]*\)/function\.json$#\1#p' | sort)
for attempt in $(seq 1 20); do
  listed=$(az functionapp function list --resource-group "$group" --name "$app" --query "[].name" --output tsv 2>/dev/null \
    | sed 's#.*/##' | sort || true)
  if [ "$listed" = "$expected" ]; then
    echo "Deployed $(basename "$zip") to $app: $(echo "$expected" | tr '\n' ' ')"
    exit 0
  fi
  sleep 15
done
echo "The host of $app lists [$(echo "$listed" | tr '\n' ' ')] instead of [$(echo "$expected" | tr '\n' ' ')]." >&2
echo "Look at its logs in Application Insights (docs/operations.md)." >&2
exit 1
