// Service Bus Standard namespace with the connector's two queues. Both are session queues (order per
// LINE conversation), detect duplicates for 10 minutes (MessageId = webhookEventId or the outbound
// message id), dead-letter after maxDeliveryCount failed deliveries and on expiry. SAS keys are off:
// only Microsoft Entra identities with data roles reach the queues.
// API versions: Microsoft.ServiceBus/namespaces (+ queues) 2026-01-01,
// Microsoft.Authorization/roleAssignments 2022-04-01.

import { builtInRoles } from 'roles.bicep'
import { PrincipalType, Tags } from 'types.bicep'

@description('Azure region.')
param location string

@description('Namespace name: 6 to 50 letters, digits and hyphens, globally unique.')
@minLength(6)
@maxLength(50)
param name string

@description('Queue names (the code\'s QueueNames).')
param queueNames string[]

@description('Deliveries before a message is dead-lettered (a failed invocation is one delivery).')
@minValue(1)
param maxDeliveryCount int

@description('Session lock duration. The host renews the lock while a handler runs (host.json maxAutoLockRenewalDuration), so this bounds how long a crashed instance holds a conversation.')
param lockDuration string

@description('How long a message may wait before it expires and is dead-lettered.')
param messageTimeToLive string

@description('Resource id of the function app\'s identity: known before the deployment, it names the role assignments (a what-if sees them).')
param appIdentityId string

@description('Principal id of the function app\'s identity (known only once the identity exists).')
param appPrincipalId string

@description('Principal (user or group) that inspects and replays dead-lettered messages; empty for none.')
param operatorPrincipalId string

@description('Type of the operator principal.')
param operatorPrincipalType PrincipalType

@description('Tags for the resources.')
param tags Tags

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource queues 'Microsoft.ServiceBus/namespaces/queues@2026-01-01' = [
  for queueName in queueNames: {
    parent: namespace
    name: queueName
    properties: {
      requiresSession: true
      requiresDuplicateDetection: true
      duplicateDetectionHistoryTimeWindow: 'PT10M'
      maxDeliveryCount: maxDeliveryCount
      deadLetteringOnMessageExpiration: true
      lockDuration: lockDuration
      defaultMessageTimeToLive: messageTimeToLive
      enablePartitioning: false
      enableBatchedOperations: true
      maxSizeInMegabytes: 1024
    }
  }
]

// Each queue is sent to and received from by the app: roles are scoped to the queues, not the namespace.
resource appSends 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for i in range(0, length(queueNames)): {
    name: guid(queues[i].id, appIdentityId, builtInRoles.serviceBusDataSender)
    scope: queues[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.serviceBusDataSender)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource appReceives 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for i in range(0, length(queueNames)): {
    name: guid(queues[i].id, appIdentityId, builtInRoles.serviceBusDataReceiver)
    scope: queues[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.serviceBusDataReceiver)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Peeking the dead-letter queue needs Receiver, re-sending a message needs Sender.
resource operatorReceives 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for i in range(0, length(queueNames)): if (!empty(operatorPrincipalId)) {
    name: guid(queues[i].id, operatorPrincipalId, builtInRoles.serviceBusDataReceiver)
    scope: queues[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.serviceBusDataReceiver)
      principalId: operatorPrincipalId
      principalType: operatorPrincipalType
    }
  }
]

resource operatorSends 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for i in range(0, length(queueNames)): if (!empty(operatorPrincipalId)) {
    name: guid(queues[i].id, operatorPrincipalId, builtInRoles.serviceBusDataSender)
    scope: queues[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.serviceBusDataSender)
      principalId: operatorPrincipalId
      principalType: operatorPrincipalType
    }
  }
]

output name string = namespace.name
// serviceBusEndpoint is https://{name}.servicebus.windows.net:443/ (or the sovereign cloud's suffix).
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
