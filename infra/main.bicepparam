// Parameters of infra/main.bicep. The principals differ per environment, so they come from
// environment variables and the same file serves a workstation and the deployment workflow:
//   LINECONNECTOR_OPERATOR_PRINCIPAL_ID    object id of the operators' group (optional)
//   LINECONNECTOR_DEPLOYMENT_PRINCIPAL_ID  object id of the pipeline's service principal (optional)
// For a Dedicated plan, set hostingPlan = 'Dedicated' and pick dedicatedSku.
using './main.bicep'

param baseName = 'linecon'
param hostingPlan = 'ElasticPremium'
param elasticPremiumSku = 'EP1'
param dedicatedSku = 'P0v3'
param maximumElasticWorkerCount = 10
param storageSku = 'Standard_LRS'
param maxDeliveryCount = 10
param adminApiWritesCredentials = true
param operatorPrincipalId = readEnvironmentVariable('LINECONNECTOR_OPERATOR_PRINCIPAL_ID', '')
param operatorPrincipalType = 'Group'
param deploymentPrincipalId = readEnvironmentVariable('LINECONNECTOR_DEPLOYMENT_PRINCIPAL_ID', '')
param logRetentionInDays = 30
