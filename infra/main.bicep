// The LINE connector in one resource group: a Linux function app (custom handler) on Flex
// Consumption FC1 (or Elastic Premium, or a Dedicated plan), its user-assigned identity, the host's
// storage account (with the connector's tables), a releases storage account for the deployment
// packages, a Service Bus Standard namespace with the line-inbound and line-outbound session queues,
// a Key Vault for channel credentials, and Application Insights on a Log Analytics workspace. Every
// connection is identity-based; no app setting holds a key.
//
//   az deployment group create --name line-connector --resource-group <group> \
//     --template-file infra/main.bicep --parameters infra/main.bicepparam
//
// Role assignment names are built from values known before the deployment (scope, the identity's
// resource id, the role), never from a principal id the deployment creates: a what-if lists them.
//
// API versions (stated again in each module): Microsoft.ManagedIdentity/userAssignedIdentities
// 2024-11-30; Microsoft.OperationalInsights/workspaces 2025-02-01; Microsoft.Insights/components
// 2020-02-02; Microsoft.Storage/storageAccounts 2025-01-01; Microsoft.ServiceBus/namespaces
// 2026-01-01; Microsoft.KeyVault/vaults 2025-05-01; Microsoft.Web/serverfarms and sites 2025-03-01;
// Microsoft.Authorization/roleAssignments 2022-04-01.

targetScope = 'resourceGroup'

import { HostingPlan, PrincipalType, Tags } from 'modules/types.bicep'

@description('Azure region of every resource. Flex Consumption runs in some regions only: az functionapp list-flexconsumption-locations.')
param location string = resourceGroup().location

@description('Short name used in every resource name (letters, digits, hyphens).')
@minLength(2)
@maxLength(12)
param baseName string = 'linecon'

@description('FlexConsumption (scales to zero, billed per execution; the default), ElasticPremium (one instance always running) or Dedicated (a fixed App Service plan). docs/deploy.md compares their costs.')
param hostingPlan HostingPlan = 'FlexConsumption'

@description('Flex Consumption: memory of each instance in MB; CPU and network grow with it.')
@allowed([
  512
  2048
  4096
])
param flexInstanceMemoryMB int = 2048

@description('Flex Consumption: most instances the app scales out to (the plan\'s documented lowest maximum is 40).')
@minValue(40)
@maxValue(1000)
param flexMaximumInstanceCount int = 40

@description('Flex Consumption: instances of the HTTP functions (the webhook, the APIs) kept running, so that LINE\'s webhook never waits for the app to start. 0 lets the app scale to zero: cheapest, but the first webhook after an idle spell waits for a cold start.')
@minValue(0)
@maxValue(10)
param flexAlwaysReadyHttpInstances int = 1

@description('Elastic Premium size.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param elasticPremiumSku string = 'EP1'

@description('Dedicated plan size when hostingPlan is Dedicated, e.g. B1, S1, P0v3, P1v3.')
param dedicatedSku string = 'P0v3'

@description('Elastic Premium: most instances the plan scales out to.')
@minValue(1)
@maxValue(100)
param maximumElasticWorkerCount int = 10

@description('Replication of the host\'s storage account (tables, host state).')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
  'Standard_GZRS'
  'Standard_RAGZRS'
])
param storageSku string = 'Standard_LRS'

@description('Elastic Premium and Dedicated: name of the deployment package in the releases container; scripts/deploy-package.sh uploads it.')
param packageBlobName string = 'LineConnector.Functions.zip'

@description('Deliveries of a queue message before it is dead-lettered; the outbound and inbound handlers are told the same number (Outbound__MaxDeliveryCount, Enquiries__MaxDeliveryCount) so that they record a message that fails for good on its last delivery.')
@minValue(1)
@maxValue(100)
param maxDeliveryCount int = 10

@description('LINE Messaging API base URL (Line__ApiBaseUrl).')
param lineApiBaseUrl string = 'https://api.line.me/'

@description('LINE content API base URL (Line__DataApiBaseUrl).')
param lineDataApiBaseUrl string = 'https://api-data.line.me/'

@description('Whether the admin API may write and delete channel credentials in Key Vault (gives the app Key Vault Secrets Officer). The API\'s create and set-credentials operations need it; when false, operators create channels in Table Storage and put credentials with the portal or az CLI.')
param adminApiWritesCredentials bool = true

@description('Object id of the operators\' user or group: channel credentials (Key Vault Secrets Officer), channel entities (Storage Table Data Contributor), deployment packages on Elastic Premium and Dedicated (Storage Blob Data Contributor on the releases container), dead-letter queues (Service Bus Data Receiver and Sender). Empty: no operator roles.')
param operatorPrincipalId string = ''

@description('Type of operatorPrincipalId: User for one person (az ad signed-in-user show), Group for a Microsoft Entra group. Azure refuses a role assignment whose type does not match the principal.')
param operatorPrincipalType PrincipalType = 'User'

@description('Object id of the pipeline\'s service principal, which uploads the deployment package on Elastic Premium and Dedicated (Storage Blob Data Contributor on the releases container). Empty: none.')
param deploymentPrincipalId string = ''

@description('Empty, or any text to give the Key Vault a new name. A deleted vault keeps its name for 90 days (purge protection): to recreate the resource group within that time, either recover the vault (az keyvault recover, docs/deploy.md) or set a salt.')
param keyVaultNameSalt string = ''

@description('Days the Log Analytics workspace keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Application (client) id of the Microsoft Entra app registration operators sign in to the console with (docs/console.md); empty: the console is off in Azure.')
param consoleClientId string = ''

@description('Object id of the Microsoft Entra group allowed to use the console (checked by the platform and by the app, Console__AllowedGroupId); empty: every signed-in user of the tenant.')
param consoleAllowedGroupId string = ''

@secure()
@description('Key (at least 16 characters) of the keyed hash that stands for LINE user ids in masked logs, written to Key Vault (secret user-id-hash-key). Give it on the first deployment; empty on later ones keeps the key in the vault. A new value rotates it: every user gets a new hash.')
param userIdHashKey string = ''

@description('Tags for every resource.')
param tags Tags = {
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

var isFlex = hostingPlan == 'FlexConsumption'
var releasesContainerName = 'function-releases'
var suffix = uniqueString(resourceGroup().id, baseName)
var compactBaseName = toLower(replace(baseName, '-', ''))
var keyVaultSuffix = empty(keyVaultNameSalt) ? suffix : uniqueString(resourceGroup().id, baseName, keyVaultNameSalt)

// The only credential the app has: every connection below uses it. Declared here (not in a module)
// so that its resource id is known before the deployment and can name the role assignments.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: 'id-${baseName}-${suffix}'
  location: location
  tags: tags
}

// Flex Consumption: the identity the platform writes the deployment package with. The app's own
// identity may only read its package (on the other plans); this one is used by no code.
resource deploymentIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = if (isFlex) {
  name: 'id-${baseName}-deploy-${suffix}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    workspaceName: 'log-${baseName}-${suffix}'
    appInsightsName: 'appi-${baseName}-${suffix}'
    retentionInDays: logRetentionInDays
    appIdentityId: identity.id
    appPrincipalId: identity.properties.principalId
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: take('st${compactBaseName}${suffix}', 24)
    skuName: storageSku
    mediaContainerName: 'line-media'
    appIdentityId: identity.id
    appPrincipalId: identity.properties.principalId
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
    tags: tags
  }
}

module releases 'modules/releases.bicep' = {
  name: 'releases'
  params: {
    location: location
    name: take('strel${compactBaseName}${suffix}', 24)
    containerName: releasesContainerName
    platformDeploys: isFlex
    appIdentityId: identity.id
    appPrincipalId: identity.properties.principalId
    deploymentIdentityId: isFlex ? deploymentIdentity.id : ''
    deploymentIdentityPrincipalId: isFlex ? deploymentIdentity!.properties.principalId : ''
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
    appIdentityId: identity.id
    appPrincipalId: identity.properties.principalId
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    name: take('kv${compactBaseName}${keyVaultSuffix}', 24)
    softDeleteRetentionInDays: 90
    appIdentityId: identity.id
    appPrincipalId: identity.properties.principalId
    adminApiWritesCredentials: adminApiWritesCredentials
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
    tags: tags
    userIdHashKey: userIdHashKey
  }
}

// Setting names are those the code reads (Hosting/ConnectorHost.cs: ServiceBusConnection;
// TableStorage/TableStorageSettings.cs; MediaStore/MediaStoreSettings.cs; KeyVault/KeyVaultOptions.cs; LineApiOptions and
// OutboundDeliveryOptions) and those the Functions host reads for identity-based connections
// (AzureWebJobsStorage, ServiceBusConnection: the functions' "connection"). The packaging tests
// start the published app with these settings and check that the code reads each of them.
var appSettings = {
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.properties.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
  ServiceBusConnection__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identity.properties.clientId
  TableStorage__tableServiceUri: storage.outputs.tableEndpoint
  TableStorage__clientId: identity.properties.clientId
  MediaStore__blobServiceUri: storage.outputs.blobEndpoint
  MediaStore__clientId: identity.properties.clientId
  MediaStore__container: storage.outputs.mediaContainerName
  KeyVault__vaultUri: keyVault.outputs.vaultUri
  KeyVault__clientId: identity.properties.clientId
  Line__ApiBaseUrl: lineApiBaseUrl
  Line__DataApiBaseUrl: lineDataApiBaseUrl
  Outbound__MaxDeliveryCount: string(maxDeliveryCount)
  Enquiries__MaxDeliveryCount: string(maxDeliveryCount)
  Console__AllowedGroupId: consoleAllowedGroupId
  // A Key Vault reference without a version: the app reads the secret's latest version (resolved
  // with the identity of keyVaultReferenceIdentity, modules/functionapp.bicep).
  DataProtection__UserIdHashKey: '@Microsoft.KeyVault(VaultName=${keyVault.outputs.name};SecretName=${keyVault.outputs.userIdHashKeySecretName})'
}

// Elastic Premium and Dedicated only: Flex Consumption refuses these settings and takes the runtime
// and the package from functionAppConfig instead (modules/functionapp.bicep).
var runFromPackageAppSettings = {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'custom'
  WEBSITE_RUN_FROM_PACKAGE: '${releases.outputs.blobEndpoint}${releasesContainerName}/${packageBlobName}'
  WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identity.id
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    planName: 'plan-${baseName}-${suffix}'
    appName: 'func-${baseName}-${suffix}'
    hostingPlan: hostingPlan
    flexInstanceMemoryMB: flexInstanceMemoryMB
    flexMaximumInstanceCount: flexMaximumInstanceCount
    flexAlwaysReadyHttpInstances: flexAlwaysReadyHttpInstances
    elasticPremiumSku: elasticPremiumSku
    dedicatedSku: dedicatedSku
    maximumElasticWorkerCount: maximumElasticWorkerCount
    identityId: identity.id
    deploymentIdentityId: isFlex ? deploymentIdentity.id : ''
    deploymentContainerUrl: isFlex ? '${releases.outputs.blobEndpoint}${releasesContainerName}' : ''
    appSettings: isFlex ? appSettings : union(appSettings, runFromPackageAppSettings)
    consoleClientId: consoleClientId
    consoleAllowedGroupId: consoleAllowedGroupId
    tags: tags
  }
}

@description('Name of the function app.')
output functionAppName string = functionApp.outputs.name

@description('The hosting plan: scripts/deploy-package.sh deploys by the platform\'s deployment on FlexConsumption and by the releases container on the others.')
output hostingPlan string = hostingPlan

@description('The URL to enter as the LINE channel\'s Webhook URL, with {channelId} replaced by the connector channel id.')
output webhookUrlPattern string = 'https://${functionApp.outputs.defaultHostName}/api/line/{channelId}'

@description('The function app\'s URL: the command line\'s --url (LINE_CONNECTOR_URL).')
output functionAppUrl string = 'https://${functionApp.outputs.defaultHostName}'

@description('The admin API\'s channels (function key required); the Functions host reserves routes starting with "admin", hence "manage".')
output adminApiUrl string = 'https://${functionApp.outputs.defaultHostName}/api/manage/channels'

@description('The operator console: sign in with Microsoft Entra ID (consoleClientId); no function key.')
output consoleUrl string = 'https://${functionApp.outputs.defaultHostName}/api/console/'

@description('Storage account holding the connector\'s tables and the host\'s state.')
output storageAccountName string = storage.outputs.name

@description('Storage account holding the deployment packages.')
output releasesStorageAccountName string = releases.outputs.name

@description('Container the deployment package is uploaded to (Elastic Premium, Dedicated) or deployed to by the platform (Flex Consumption).')
output releasesContainerName string = releases.outputs.containerName

@description('Blob name of the deployment package on Elastic Premium and Dedicated.')
output packageBlobName string = packageBlobName

@description('Service Bus namespace.')
output serviceBusNamespace string = serviceBus.outputs.name

@description('Key Vault holding the channel credentials.')
output keyVaultName string = keyVault.outputs.name

@description('Application Insights component.')
output appInsightsName string = monitoring.outputs.appInsightsName
