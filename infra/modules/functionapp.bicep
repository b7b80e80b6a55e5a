// The Linux function app: its plan (Elastic Premium by default, or a Dedicated App Service plan),
// configured for the custom handler, running as the user-assigned identity, with the app settings
// main.bicep composes. No Azure Files content share (it would need a storage key): the app runs
// from the package in the releases container (WEBSITE_RUN_FROM_PACKAGE), read with the identity.
// API versions: Microsoft.Web/serverfarms, sites and sites/basicPublishingCredentialsPolicies 2024-11-01.

@description('Azure region.')
param location string

@description('Name of the App Service plan.')
param planName string

@description('Name of the function app (its host name is {name}.azurewebsites.net).')
param appName string

@description('ElasticPremium (event-driven scale out) or Dedicated (a fixed App Service plan).')
@allowed([
  'ElasticPremium'
  'Dedicated'
])
param hostingPlan string

@description('Elastic Premium size.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param elasticPremiumSku string

@description('Dedicated plan size, e.g. B1, S1, P0v3, P1v3.')
param dedicatedSku string

@description('Most instances the Elastic Premium plan scales out to.')
@minValue(1)
@maxValue(100)
param maximumElasticWorkerCount int

@description('Resource id of the user-assigned identity.')
param identityId string

@description('App settings (name to value). No keys or secrets: every connection is identity-based.')
param appSettings object

@description('Tags for the resources.')
param tags object

var isElasticPremium = hostingPlan == 'ElasticPremium'

var elasticPremiumPlan = {
  kind: 'elastic'
  sku: {
    name: elasticPremiumSku
    tier: 'ElasticPremium'
  }
  properties: {
    // true = Linux.
    reserved: true
    maximumElasticWorkerCount: maximumElasticWorkerCount
  }
}

var dedicatedPlan = {
  kind: 'linux'
  sku: {
    name: dedicatedSku
  }
  properties: {
    reserved: true
  }
}

var planShape = isElasticPremium ? elasticPremiumPlan : dedicatedPlan

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: planShape.kind
  sku: planShape.sku
  properties: planShape.properties
}

resource app 'Microsoft.Web/sites@2024-11-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    reserved: true
    httpsOnly: true
    clientAffinityEnabled: false
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      // The custom handler stack has no language image: an empty linuxFxVersion, as the Functions
      // stacks API gives for "custom" on Linux. The handler is self-contained, so the image's .NET
      // version does not matter.
      linuxFxVersion: ''
      use32BitWorkerProcess: false
      // A Dedicated plan must stay loaded for the Service Bus triggers to fire; Elastic Premium
      // keeps its own always-ready instance and does not support Always On.
      alwaysOn: !isElasticPremium
      // Elastic Premium: the scale controller asks the running host (which connects with the app's
      // identity) for the queues' scale status.
      functionsRuntimeScaleMonitoringEnabled: isElasticPremium
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      appSettings: [
        for setting in items(appSettings): {
          name: setting.key
          value: setting.value
        }
      ]
    }
  }
}

// No publishing passwords: the package is deployed through Blob Storage with Microsoft Entra ID.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = app.name
output id string = app.id
output defaultHostName string = app.properties.defaultHostName
