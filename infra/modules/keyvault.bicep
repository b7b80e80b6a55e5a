// Key Vault for channel credentials (secrets line-{channelId}-channel-secret and
// line-{channelId}-access-token). Azure RBAC authorisation, soft delete and purge protection.
// The app reads secrets (Secrets User); it writes them (Secrets Officer) only when the admin API is
// allowed to put credentials. Operators who put credentials with the portal or az CLI get Officer.
// API versions: Microsoft.KeyVault/vaults 2024-11-01, Microsoft.Authorization/roleAssignments 2022-04-01.

import { builtInRoles } from 'roles.bicep'

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

@description('Principal id of the function app\'s identity.')
param appPrincipalId string

@description('Whether the admin API writes channel credentials (gives the app Key Vault Secrets Officer).')
param adminApiWritesCredentials bool

@description('Principal (user or group) that puts channel credentials; empty for none.')
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

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
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
  name: guid(vault.id, appPrincipalId, builtInRoles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appWritesCredentials 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (adminApiWritesCredentials) {
  name: guid(vault.id, appPrincipalId, builtInRoles.keyVaultSecretsOfficer)
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

output name string = vault.name
output vaultUri string = vault.properties.vaultUri
