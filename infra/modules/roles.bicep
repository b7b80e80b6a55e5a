// Built-in Azure role definitions the connector assigns, by name. The GUIDs are the roles' fixed
// ids, the same in every tenant (Azure built-in roles reference: Integration, Storage, Security,
// Monitor). No resources here: the other modules import this variable.

@export()
@description('Built-in role definition ids (GUIDs) by role name.')
var builtInRoles = {
  // Send to queues: the webhook (line-inbound), the inbound handler and the enquiry API (line-outbound).
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  // Receive from queues: the Functions host's Service Bus trigger.
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  // The Functions host's own storage (keys, leases, timers) needs this on blobs.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // Upload the deployment package to the releases container: the pipeline, operators and, on Flex
  // Consumption, the deployment identity the platform writes the package with.
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  // Read the deployment package: the app's identity on Elastic Premium and Dedicated (run from package).
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  // The connector's channel tables (and the host's diagnostic events).
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // Read channel secrets and access tokens.
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  // Write and delete channel credentials: the admin API (when allowed) and operators.
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  // Send telemetry to Application Insights with Microsoft Entra authentication.
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}
