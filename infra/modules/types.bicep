// Types the other files import: the hosting plans, and the string maps for tags and app settings
// (the linter's use-user-defined-types rule: no bare object or array parameter). No resources here.

@export()
@description('FlexConsumption (FC1, scales to zero; the default), ElasticPremium (EP1-EP3) or Dedicated (an App Service plan).')
type HostingPlan = 'FlexConsumption' | 'ElasticPremium' | 'Dedicated'

@export()
@description('Type of a principal a role is assigned to.')
type PrincipalType = 'User' | 'Group' | 'ServicePrincipal'

@export()
@description('Resource tags: name to value.')
type Tags = {
  *: string
}

@export()
@description('App settings: name to value.')
type AppSettings = {
  *: string
}
