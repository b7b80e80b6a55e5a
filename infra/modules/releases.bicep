// The releases account: a storage account of its own holding the private container of deployment
// packages, so that the function app's identity, which owns the host's storage, can only read its
// own code. Elastic Premium and Dedicated run the package from here (WEBSITE_RUN_FROM_PACKAGE, read
// by the app's identity: Storage Blob Data Reader on the container); the pipeline and the operators
// upload it (Storage Blob Data Contributor on the container). On Flex Consumption the platform's
// deployment writes the package here itself, with the deployment identity (Contributor on the
// container); the app's identity gets nothing here.
// API versions: Microsoft.Storage/storageAccounts (+ blobServices, containers) 2025-01-01,
// Microsoft.Authorization/roleAssignments 2022-04-01.

import { builtInRoles } from 'roles.bicep'
import { PrincipalType, Tags } from 'types.bicep'

@description('Azure region.')
param location string

@description('Storage account name: 3 to 24 lowercase letters and digits, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Private container of the deployment packages.')
param containerName string

@description('Whether the platform deploys the package itself (Flex Consumption) rather than the app running it from this container.')
param platformDeploys bool

@description('Resource id of the function app\'s identity: known before the deployment, it names the role assignment (a what-if sees it).')
param appIdentityId string

@description('Principal id of the function app\'s identity (known only once the identity exists).')
param appPrincipalId string

@description('Resource id of the identity the platform writes the package with (Flex Consumption); empty otherwise.')
param deploymentIdentityId string

@description('Principal id of that identity; empty otherwise.')
param deploymentIdentityPrincipalId string

@description('Principal that uploads deployment packages (the pipeline); empty for none.')
param deploymentPrincipalId string

@description('Principal (user or group) that may upload a deployment package by hand; empty for none.')
param operatorPrincipalId string

@description('Type of the operator principal.')
param operatorPrincipalType PrincipalType

@description('Tags for the resources.')
param tags Tags

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    // A package overwritten by mistake can be restored for a week.
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource releases 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: containerName
  properties: {
    publicAccess: 'None'
  }
}

resource appReadsPackage 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!platformDeploys) {
  name: guid(releases.id, appIdentityId, builtInRoles.storageBlobDataReader)
  scope: releases
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.storageBlobDataReader)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource platformWritesPackage 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (platformDeploys) {
  name: guid(releases.id, deploymentIdentityId, builtInRoles.storageBlobDataContributor)
  scope: releases
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.storageBlobDataContributor)
    principalId: deploymentIdentityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Skipped when the operator is the deployer too: the operator's assignment below covers it.
resource deployerUploadsPackages 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!platformDeploys && !empty(deploymentPrincipalId) && deploymentPrincipalId != operatorPrincipalId) {
  name: guid(releases.id, deploymentPrincipalId, builtInRoles.storageBlobDataContributor)
  scope: releases
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.storageBlobDataContributor)
    principalId: deploymentPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource operatorUploadsPackages 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!platformDeploys && !empty(operatorPrincipalId)) {
  name: guid(releases.id, operatorPrincipalId, builtInRoles.storageBlobDataContributor)
  scope: releases
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.storageBlobDataContributor)
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
  }
}

output name string = account.name
// https://{name}.blob.core.windows.net/ (or the sovereign cloud's suffix).
output blobEndpoint string = account.properties.primaryEndpoints.blob
output containerName string = releases.name
