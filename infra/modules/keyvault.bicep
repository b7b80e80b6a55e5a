// Key Vault for channel credentials: secrets line-{id}-channel-secret, line-{id}-access-token and,
// during a rotation, line-{id}-channel-secret-previous (tag accepted-until), where {id} is the
// channel id in lower case with '_' as '-' (LineConnector.Core/Channels/ChannelSecrets.cs,
// ChannelSecretNames). Azure RBAC authorisation, soft delete and purge protection.
// Also the key of the keyed hash that stands for LINE user ids in masked logs (secret
// user-id-hash-key, the app setting DataProtection__UserIdHashKey refers to it): written only when
// the deployment is given a key, so that a redeployment without one keeps the key, and the hashes.
// The app reads secrets (Secrets User); it writes and deletes them (Secrets Officer) only when the
// admin API is allowed to put credentials. Operators who put credentials with the portal or az CLI
// get Officer.
// API versions: Microsoft.KeyVault/vaults and vaults/secrets 2025-05-01, Microsoft.Authorization/roleAssignments 2022-04-01.

import { builtInRoles } from 'roles.bicep'
import { PrincipalType, Tags } from 'types.bicep'

@description('Azure region.')
param location string

@description('Vault name: 3 to 24 letters, digits and hyphens, starting with a letter, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Days a deleted secret or vault can be recovered (7 to 90).')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int

@description('Resource id of the function app\'s identity: known before the deployment, it names the role assignments (a what-if sees them).')
param appIdentityId string

@description('Principal id of the function app\'s identity (known only once the identity exists).')
param appPrincipalId string

@description('Whether the admin API writes and deletes channel credentials (gives the app Key Vault Secrets Officer).')
param adminApiWritesCredentials bool

@description('Principal (user or group) that puts channel credentials; empty for none.')
param operatorPrincipalId string

@description('Type of the operator principal.')
param operatorPrincipalType PrincipalType

@description('Tags for the resources.')
param tags Tags

@secure()
@description('Key of the keyed hash of LINE user ids, written to the secret user-id-hash-key; empty: the secret is left as it is.')
param userIdHashKey string

@description('Name of the secret holding the key of the keyed hash of LINE user ids.')
var userIdHashKeySecretName = 'user-id-hash-key'

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // Once on, purge protection cannot be turned off: a deleted vault or secret stays recoverable.
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource appReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appIdentityId, builtInRoles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appWritesCredentials 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (adminApiWritesCredentials) {
  name: guid(vault.id, appIdentityId, builtInRoles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.keyVaultSecretsOfficer)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource operatorWritesCredentials 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(vault.id, operatorPrincipalId, builtInRoles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.keyVaultSecretsOfficer)
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
  }
}

resource userIdHashKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(userIdHashKey)) {
  parent: vault
  name: userIdHashKeySecretName
  properties: {
    value: userIdHashKey
    contentType: 'text/plain'
  }
}

output name string = vault.name
output userIdHashKeySecretName string = userIdHashKeySecretName
output vaultUri string = vault.properties.vaultUri
