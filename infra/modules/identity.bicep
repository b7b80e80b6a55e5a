// The connector's user-assigned managed identity: every connection of the function app (host
// storage, tables, Service Bus, Key Vault, Application Insights, the deployment package) uses it.
// API version: Microsoft.ManagedIdentity/userAssignedIdentities 2024-11-30.

@description('Azure region.')
param location string

@description('Name of the identity.')
param name string

@description('Tags for the resource.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
