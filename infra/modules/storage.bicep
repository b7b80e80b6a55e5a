// The storage account: the Functions host's storage (identity-based AzureWebJobsStorage), the
// connector's tables (created by the connector on first use), and the private container the
// deployment package is run from. Shared key
// access is off: every client authenticates with Microsoft Entra ID.
// API versions: Microsoft.Storage/storageAccounts (+ blobServices, containers) 2025-01-01,
// Microsoft.Authorization/roleAssignments 2022-04-01.

import { builtInRoles } from 'roles.bicep'

@description('Azure region.')
param location string

@description('Storage account name: 3 to 24 lowercase letters and digits, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Replication. The Functions host needs blobs, queues and tables, which every general-purpose v2 SKU offers.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
  'Standard_GZRS'
  'Standard_RAGZRS'
])
param skuName string

@description('Private container holding the function app\'s deployment package (WEBSITE_RUN_FROM_PACKAGE).')
param releasesContainerName string

@description('Principal id of the function app\'s identity.')
param appPrincipalId string

@description('Principal that uploads deployment packages (the pipeline); empty for none.')
param deploymentPrincipalId string

@description('Principal (user or group) that edits channel entities in the portal\'s Storage browser and may upload a deployment package by hand; empty for none.')
param operatorPrincipalId string

@description('Type of the operator principal.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string

@description('Tags for the resources.')
param tags object

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
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
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource releases 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: releasesContainerName
  properties: {
    publicAccess: 'None'
  }
}

// The host keeps keys, leases and its secrets in blobs; the minimum role for identity-based
// AzureWebJobsStorage (it also covers reading the package from the releases container).
resource appBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, appPrincipalId, builtInRoles.storageBlobDataOwner)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.storageBlobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The connector's tables (it creates them on first use); the host also writes its diagnostic events to a table.
resource appTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, appPrincipalId, builtInRoles.storageTableDataContributor)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.storageTableDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Skipped when the operator is the deployer too: the operator's assignment below covers it.
resource deployerUploadsPackages 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deploymentPrincipalId) && deploymentPrincipalId != operatorPrincipalId) {
  name: guid(releases.id, deploymentPrincipalId, builtInRoles.storageBlobDataContributor)
  scope: releases
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.storageBlobDataContributor)
    principalId: deploymentPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource operatorUploadsPackages 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(releases.id, operatorPrincipalId, builtInRoles.storageBlobDataContributor)
  scope: releases
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.storageBlobDataContributor)
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
  }
}

resource operatorEditsTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(account.id, operatorPrincipalId, builtInRoles.storageTableDataContributor)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.storageTableDataContributor)
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
  }
}

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output releasesContainerName string = releases.name
