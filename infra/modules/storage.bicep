// The Functions host's storage account (identity-based AzureWebJobsStorage: keys, leases), the
// connector's tables (created by the connector on first use) and its media container (audio it
// remuxed for LINE, read by LINE through short-lived user-delegation SAS URLs, deleted after two days). It holds no deployment package: those
// are in the releases account (releases.bicep), which the app may only read. Shared key access is
// off: every client authenticates with Microsoft Entra ID.
// API versions: Microsoft.Storage/storageAccounts (+ blobServices, containers, managementPolicies) 2025-01-01,
// Microsoft.Authorization/roleAssignments 2022-04-01.

import { builtInRoles } from 'roles.bicep'
import { PrincipalType, Tags } from 'types.bicep'

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

@description('Blob container for media the connector makes (audio remuxed to M4A).')
param mediaContainerName string

@description('Resource id of the function app\'s identity: known before the deployment, it names the role assignments (a what-if sees them).')
param appIdentityId string

@description('Principal id of the function app\'s identity (known only once the identity exists).')
param appPrincipalId string

@description('Principal (user or group) that edits channel entities in the portal\'s Storage browser; empty for none.')
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

// Private: LINE reads each file through a read-only SAS the app signs with a user delegation key
// (Storage Blob Data Owner below includes the key's action), valid for a day.
resource mediaContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: mediaContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource mediaLifetime 'Microsoft.Storage/storageAccounts/managementPolicies@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-old-media'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${mediaContainerName}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: 2
                }
              }
            }
          }
        }
      ]
    }
  }
}

// The host keeps keys, leases and its secrets in blobs: the minimum role for identity-based
// AzureWebJobsStorage. This account holds no deployment package.
resource appBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, appIdentityId, builtInRoles.storageBlobDataOwner)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.storageBlobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The connector's tables (it creates them on first use); the host also writes its diagnostic events to a table.
resource appTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, appIdentityId, builtInRoles.storageTableDataContributor)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.storageTableDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
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
// https://{name}.table.core.windows.net/ (or the sovereign cloud's suffix): the app's TableStorage__tableServiceUri.
output tableEndpoint string = account.properties.primaryEndpoints.table
// https://{name}.blob.core.windows.net/: the app's MediaStore__blobServiceUri.
output blobEndpoint string = account.properties.primaryEndpoints.blob
output mediaContainerName string = mediaContainer.name
