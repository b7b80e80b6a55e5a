// The LINE connector in one resource group: a Linux function app (custom handler) on Elastic
// Premium EP1 (or a Dedicated plan), its user-assigned identity, a storage account, a Service Bus
// Standard namespace with the line-inbound and line-outbound session queues, a Key Vault for channel
// credentials, and Application Insights on a Log Analytics workspace. Every connection is
// identity-based; no app setting holds a key.
//
//   az deployment group create --name line-connector --resource-group <group> \
//     --template-file infra/main.bicep --parameters infra/main.bicepparam
//
// API versions (stated again in each module): Microsoft.ManagedIdentity/userAssignedIdentities
// 2024-11-30; Microsoft.OperationalInsights/workspaces 2025-02-01; Microsoft.Insights/components
// 2020-02-02; Microsoft.Storage/storageAccounts 2025-01-01; Microsoft.ServiceBus/namespaces
// 2024-01-01; Microsoft.KeyVault/vaults 2024-11-01; Microsoft.Web/serverfarms and sites 2024-11-01;
// Microsoft.Authorization/roleAssignments 2022-04-01.

targetScope = 'resourceGroup'

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Short name used in every resource name (letters, digits, hyphens).')
@minLength(2)
@maxLength(12)
param baseName string = 'linecon'

@description('ElasticPremium (event-driven scale out, the default) or Dedicated (a fixed App Service plan).')
@allowed([
  'ElasticPremium'
  'Dedicated'
])
param hostingPlan string = 'ElasticPremium'

@description('Elastic Premium size.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param elasticPremiumSku string = 'EP1'

@description('Dedicated plan size when hostingPlan is Dedicated, e.g. B1, S1, P0v3, P1v3.')
param dedicatedSku string = 'P0v3'

@description('Most instances the Elastic Premium plan scales out to.')
@minValue(1)
@maxValue(100)
param maximumElasticWorkerCount int = 10

@description('Storage replication.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
  'Standard_GZRS'
  'Standard_RAGZRS'
])
param storageSku string = 'Standard_LRS'

@description('Name of the deployment package in the releases container; scripts/deploy-package.sh uploads it.')
param packageBlobName string = 'LineConnector.Functions.zip'

@description('Deliveries of a queue message before it is dead-lettered.')
@minValue(1)
@maxValue(100)
param maxDeliveryCount int = 10

@description('LINE Messaging API base URL (Line__ApiBaseUrl).')
param lineApiBaseUrl string = 'https://api.line.me/'

@description('LINE content API base URL (Line__DataApiBaseUrl).')
param lineDataApiBaseUrl string = 'https://api-data.line.me/'

@description('Whether the admin API may write channel credentials to Key Vault (gives the app Key Vault Secrets Officer). When false, operators put credentials with the portal or az CLI.')
param adminApiWritesCredentials bool = true

@description('Object id of the operators\' user or group: channel credentials (Key Vault Secrets Officer), channel entities (Storage Table Data Contributor), deployment packages (Storage Blob Data Contributor on the releases container), dead-letter queues (Service Bus Data Receiver and Sender). Empty: no operator roles.')
param operatorPrincipalId string = ''

@description('Type of operatorPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string = 'Group'

@description('Object id of the pipeline\'s service principal, which uploads the deployment package (Storage Blob Data Contributor on the releases container). Empty: none.')
param deploymentPrincipalId string = ''

@description('Days the Log Analytics workspace keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Tags for every resource.')
param tags object = {
  application: 'line-connector'
}

// The code's queue names (LineConnector.Core/Queueing/QueueMessage.cs, QueueNames); the packaging
// tests check that they match the functions' serviceBusTrigger queueName.
var queueNames = [
  'line-inbound'
  'line-outbound'
]

// The Functions host holds a session while a handler runs and renews its lock (host.json
// maxAutoLockRenewalDuration); one minute bounds how long a crashed instance keeps a conversation.
var queueLockDuration = 'PT1M'

var releasesContainerName = 'function-releases'
var suffix = uniqueString(resourceGroup().id, baseName)
var compactBaseName = toLower(replace(baseName, '-', ''))

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    location: location
    name: 'id-${baseName}-${suffix}'
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    workspaceName: 'log-${baseName}-${suffix}'
    appInsightsName: 'appi-${baseName}-${suffix}'
    retentionInDays: logRetentionInDays
    appPrincipalId: identity.outputs.principalId
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: take('st${compactBaseName}${suffix}', 24)
    skuName: storageSku
    releasesContainerName: releasesContainerName
    appPrincipalId: identity.outputs.principalId
    deploymentPrincipalId: deploymentPrincipalId
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
    tags: tags
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    location: location
    name: 'sb-${baseName}-${suffix}'
    queueNames: queueNames
    maxDeliveryCount: maxDeliveryCount
    lockDuration: queueLockDuration
    messageTimeToLive: 'P14D'
    appPrincipalId: identity.outputs.principalId
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    name: take('kv${compactBaseName}${suffix}', 24)
    softDeleteRetentionInDays: 90
    appPrincipalId: identity.outputs.principalId
    adminApiWritesCredentials: adminApiWritesCredentials
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
    tags: tags
  }
}

// Setting names are those the code reads (Hosting/ConnectorHost.cs, LineApiOptions, the table
// store and the Key Vault secret store) and those the Functions host reads for identity-based
// connections (AzureWebJobsStorage, ServiceBusConnection: the functions' "connection").
var appSettings = {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'custom'
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  WEBSITE_RUN_FROM_PACKAGE: '${storage.outputs.blobEndpoint}${releasesContainerName}/${packageBlobName}'
  WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identity.outputs.id
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
  ServiceBusConnection__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identity.outputs.clientId
  TableStorage__accountName: storage.outputs.name
  TableStorage__clientId: identity.outputs.clientId
  KeyVault__vaultUri: keyVault.outputs.vaultUri
  KeyVault__clientId: identity.outputs.clientId
  Line__ApiBaseUrl: lineApiBaseUrl
  Line__DataApiBaseUrl: lineDataApiBaseUrl
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    planName: 'plan-${baseName}-${suffix}'
    appName: 'func-${baseName}-${suffix}'
    hostingPlan: hostingPlan
    elasticPremiumSku: elasticPremiumSku
    dedicatedSku: dedicatedSku
    maximumElasticWorkerCount: maximumElasticWorkerCount
    identityId: identity.outputs.id
    appSettings: appSettings
    tags: tags
  }
}

@description('Name of the function app.')
output functionAppName string = functionApp.outputs.name

@description('The URL to enter as the LINE channel\'s Webhook URL, with {channelId} replaced by the connector channel id.')
output webhookUrlPattern string = 'https://${functionApp.outputs.defaultHostName}/api/line/{channelId}'

@description('Base URL of the admin API (function key required).')
output adminApiUrl string = 'https://${functionApp.outputs.defaultHostName}/api/admin/channels'

@description('Storage account holding the connector\'s tables and the deployment package.')
output storageAccountName string = storage.outputs.name

@description('Container the deployment package is uploaded to.')
output releasesContainerName string = storage.outputs.releasesContainerName

@description('Blob name of the deployment package.')
output packageBlobName string = packageBlobName

@description('Service Bus namespace.')
output serviceBusNamespace string = serviceBus.outputs.name

@description('Key Vault holding the channel credentials.')
output keyVaultName string = keyVault.outputs.name

@description('Application Insights component.')
output appInsightsName string = monitoring.outputs.appInsightsName
