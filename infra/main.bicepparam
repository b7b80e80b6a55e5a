// Parameters of infra/main.bicep. The principals differ per environment, so they come from
// environment variables and the same file serves a workstation and the deployment workflow:
//   LINECONNECTOR_OPERATOR_PRINCIPAL_ID    object id of the operators' user or group (optional)
//   LINECONNECTOR_OPERATOR_PRINCIPAL_TYPE  User (the default) or Group: the type of that id
//   LINECONNECTOR_DEPLOYMENT_PRINCIPAL_ID  object id of the pipeline's service principal (optional)
//   LINECONNECTOR_CONSOLE_CLIENT_ID        app registration the console's operators sign in with (optional)
//   LINECONNECTOR_CONSOLE_GROUP_ID         object id of the group allowed to use the console (optional)
//   LINECONNECTOR_USER_ID_HASH_KEY         key of the keyed hash of LINE user ids in masked logs: on the
//                                          first deployment; unset later keeps the key in Key Vault
// For Elastic Premium or a Dedicated plan, set hostingPlan = 'ElasticPremium' or 'Dedicated'.
using './main.bicep'

param baseName = 'linecon'
param hostingPlan = 'FlexConsumption'
param flexInstanceMemoryMB = 2048
param flexMaximumInstanceCount = 40
param flexAlwaysReadyHttpInstances = 1
param elasticPremiumSku = 'EP1'
param dedicatedSku = 'P0v3'
param maximumElasticWorkerCount = 10
param storageSku = 'Standard_LRS'
param maxDeliveryCount = 10
param adminApiWritesCredentials = true
param operatorPrincipalId = readEnvironmentVariable('LINECONNECTOR_OPERATOR_PRINCIPAL_ID', '')
param operatorPrincipalType = readEnvironmentVariable('LINECONNECTOR_OPERATOR_PRINCIPAL_TYPE', 'User')
param deploymentPrincipalId = readEnvironmentVariable('LINECONNECTOR_DEPLOYMENT_PRINCIPAL_ID', '')
param consoleClientId = readEnvironmentVariable('LINECONNECTOR_CONSOLE_CLIENT_ID', '')
param consoleAllowedGroupId = readEnvironmentVariable('LINECONNECTOR_CONSOLE_GROUP_ID', '')
param keyVaultNameSalt = ''
param logRetentionInDays = 30
param userIdHashKey = readEnvironmentVariable('LINECONNECTOR_USER_ID_HASH_KEY', '')
