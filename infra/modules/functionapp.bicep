// The Linux function app, its plan and its configuration for the custom handler, running as the
// user-assigned identity with the app settings main.bicep composes. Three plans:
//   FlexConsumption  FC1: scales to zero, billed per execution, always-ready instances on request;
//                    the runtime is "custom" (functionAppConfig), the platform deploys the package
//                    into the releases container with the deployment identity.
//   ElasticPremium   EP1-EP3: one instance always running; runs the package from the releases
//                    container (WEBSITE_RUN_FROM_PACKAGE, read with the app's identity).
//   Dedicated        an App Service plan (Always On); runs from the package like Elastic Premium.
// No Azure Files content share on any plan (it would need a storage key).
// With a console client id, App Service Authentication signs operators in to the console with
// Microsoft Entra ID (sites/config authsettingsV2); every other route stays as the app answers it.
// API versions: Microsoft.Web/serverfarms, sites, sites/basicPublishingCredentialsPolicies and sites/config 2025-03-01.

import { AppSettings, HostingPlan, Tags } from 'types.bicep'

@description('Azure region.')
param location string

@description('Name of the plan.')
param planName string

@description('Name of the function app (its host name is {name}.azurewebsites.net).')
param appName string

@description('The hosting plan.')
param hostingPlan HostingPlan

@description('Flex Consumption: memory of each instance, in MB.')
param flexInstanceMemoryMB int

@description('Flex Consumption: most instances the app scales out to.')
param flexMaximumInstanceCount int

@description('Flex Consumption: instances of the HTTP functions kept running (0: the app scales to zero).')
param flexAlwaysReadyHttpInstances int

@description('Elastic Premium size: EP1, EP2 or EP3.')
param elasticPremiumSku string

@description('Dedicated plan size, e.g. B1, S1, P0v3, P1v3.')
param dedicatedSku string

@description('Elastic Premium: most instances the plan scales out to.')
param maximumElasticWorkerCount int

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Flex Consumption: resource id of the identity the platform writes the package with; empty on the other plans.')
param deploymentIdentityId string

@description('Flex Consumption: URL of the blob container the platform deploys the package to; empty on the other plans.')
param deploymentContainerUrl string

@description('App settings (name to value). No keys or secrets: every connection is identity-based, and a secret is a Key Vault reference.')
param appSettings AppSettings

@description('Application (client) id of the console\'s Microsoft Entra app registration; empty: no sign-in, the console refuses every request in Azure.')
param consoleClientId string

@description('Object id of the Microsoft Entra group whose members may sign in to the console; empty: anyone of the tenant who signs in.')
param consoleAllowedGroupId string

@description('Tags for the resources.')
param tags Tags

var isFlex = hostingPlan == 'FlexConsumption'
var isElasticPremium = hostingPlan == 'ElasticPremium'

var plans = {
  FlexConsumption: {
    kind: 'functionapp'
    sku: {
      name: 'FC1'
      tier: 'FlexConsumption'
    }
    properties: {
      // true = Linux.
      reserved: true
    }
  }
  ElasticPremium: {
    kind: 'elastic'
    sku: {
      name: elasticPremiumSku
      tier: 'ElasticPremium'
    }
    properties: {
      reserved: true
      maximumElasticWorkerCount: maximumElasticWorkerCount
    }
  }
  Dedicated: {
    kind: 'linux'
    sku: {
      name: dedicatedSku
    }
    properties: {
      reserved: true
    }
  }
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: plans[hostingPlan].kind
  sku: plans[hostingPlan].sku
  properties: plans[hostingPlan].properties
}

// Flex Consumption takes the runtime, scale and deployment source here instead of app settings
// (FUNCTIONS_WORKER_RUNTIME, WEBSITE_RUN_FROM_PACKAGE) and site properties (linuxFxVersion).
var flexConfig = {
  runtime: {
    // The Flex Consumption stacks list "custom" 1.0 (az functionapp list-flexconsumption-runtimes).
    name: 'custom'
    version: '1.0'
  }
  scaleAndConcurrency: {
    instanceMemoryMB: flexInstanceMemoryMB
    maximumInstanceCount: flexMaximumInstanceCount
    // "http" is the group of every HTTP function: the webhook and the APIs.
    alwaysReady: flexAlwaysReadyHttpInstances > 0
      ? [
          {
            name: 'http'
            instanceCount: flexAlwaysReadyHttpInstances
          }
        ]
      : []
  }
  deployment: {
    storage: {
      type: 'blobContainer'
      value: deploymentContainerUrl
      authentication: {
        type: 'UserAssignedIdentity'
        userAssignedIdentityResourceId: deploymentIdentityId
      }
    }
  }
}

resource app 'Microsoft.Web/sites@2025-03-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    // On Flex Consumption the deployment identity must be the site's too, for the platform to use it.
    userAssignedIdentities: isFlex
      ? {
          '${identityId}': {}
          '${deploymentIdentityId}': {}
        }
      : {
          '${identityId}': {}
        }
  }
  properties: {
    serverFarmId: plan.id
    reserved: true
    httpsOnly: true
    clientAffinityEnabled: false
    publicNetworkAccess: 'Enabled'
    functionAppConfig: isFlex ? flexConfig : null
    // Key Vault references in app settings (DataProtection__UserIdHashKey) resolve with the app's identity.
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      // The custom handler stack has no language image: an empty linuxFxVersion, as the Functions
      // stacks API gives for "custom" on Linux. Flex Consumption takes no linuxFxVersion at all.
      linuxFxVersion: isFlex ? null : ''
      // A Dedicated plan must stay loaded for the Service Bus triggers to fire; Elastic Premium
      // keeps its own always-ready instance and Flex Consumption its always-ready ones.
      alwaysOn: hostingPlan == 'Dedicated'
      // Elastic Premium: the scale controller asks the running host (which connects with the app's
      // identity) for the queues' scale status. Flex Consumption always scales that way.
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

// No publishing passwords: packages are deployed with Microsoft Entra ID.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

// Sign-in for the console only: anonymous requests pass (LINE's webhook, destinations with their
// bearer, the admin API with its function key, the host's own calls) and the app decides. The
// platform strips a caller's own X-MS-CLIENT-PRINCIPAL and sets it for a signed-in operator, whom
// /api/console sends to /.auth/login/aad. The ID token comes by the implicit flow (no client secret
// to keep); the app registration must issue ID tokens with the groups claim.
resource consoleAuth 'Microsoft.Web/sites/config@2025-03-01' = if (!empty(consoleClientId)) {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: consoleClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            consoleClientId
            'api://${consoleClientId}'
          ]
          defaultAuthorizationPolicy: {
            allowedPrincipals: {
              groups: empty(consoleAllowedGroupId) ? [] : [consoleAllowedGroupId]
            }
          }
        }
      }
    }
    login: {
      tokenStore: {
        enabled: true
      }
    }
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
