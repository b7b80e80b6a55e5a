using System.Globalization;
using System.Text.Json;
using LineConnector.Core.Outbound;
using LineConnector.Functions.Hosting;
using LineConnector.Functions.KeyVault;
using LineConnector.Functions.LocalMode;
using LineConnector.Functions.TableStorage;

namespace LineConnector.Tests.Packaging;

/// <summary>
/// The app settings a deployment of the Bicep gives the app (on each hosting plan) and those of
/// local.settings.sample.json are settings the code reads, and the Bicep sets those it requires.
/// (<see cref="HostedStartupTests"/> starts the published app with them.)
/// </summary>
public sealed class AppSettingsTests
{
    [Theory]
    [MemberData(nameof(InfrastructureTests.Plans), MemberType = typeof(InfrastructureTests))]
    public void The_bicep_sets_what_the_host_and_the_app_require(string plan)
    {
        var deployment = InfrastructureTests.Deployment(plan);
        var settings = deployment.AppSettings();

        settings.Should().ContainKeys(
            "AzureWebJobsStorage__accountName",
            $"{ConnectorHost.ServiceBusSection}__fullyQualifiedNamespace",
            $"{KeyVaultOptions.Section}__vaultUri");
        settings.Keys.Should().Contain(
            k => k == $"{TableStorageSettings.Section}__{TableStorageSettings.TableServiceUri}" || k == $"{TableStorageSettings.Section}__{TableStorageSettings.AccountName}",
            "under the host the app needs the channel tables' account");
        if (plan == "FlexConsumption")
        {
            deployment.Site.GetProperty("properties").GetProperty("functionAppConfig").GetProperty("runtime").GetProperty("name").GetString()
                .Should().Be("custom", "Flex Consumption takes the worker runtime from functionAppConfig, not FUNCTIONS_WORKER_RUNTIME");
        }
        else
        {
            settings.Should().ContainKeys("FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION");
        }
    }

    [Fact]
    public void Every_app_setting_the_bicep_sets_is_read_by_the_host_or_the_app()
    {
        AllDeployedSettingNames().Where(name => !AppSettingCatalog.IsRead(name)).Should().BeEmpty("a setting nothing reads is a misspelt name or a leftover");
    }

    [Fact]
    public void Every_setting_of_the_local_sample_is_read_by_the_host_or_the_app()
    {
        using var sample = JsonDocument.Parse(RepositoryFiles.Read(LocalSettings.SampleFileName));
        var names = sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToList();

        names.Should().NotBeEmpty();
        names.Where(name => !AppSettingCatalog.IsRead(name)).Should().BeEmpty();
    }

    [Fact]
    public void The_catalog_knows_the_codes_names_and_refuses_others()
    {
        // The checks above must be able to fail.
        AppSettingCatalog.IsRead("KeyVault__vaultUri").Should().BeTrue();
        AppSettingCatalog.IsRead("keyvault__VAULTURI").Should().BeTrue("configuration keys ignore case");
        AppSettingCatalog.IsRead("Line__Timeout").Should().BeTrue();
        AppSettingCatalog.IsRead("Outbound__ReplyTokenMaxAge").Should().BeTrue();
        AppSettingCatalog.IsRead("Telemetry__Console").Should().BeTrue();
        AppSettingCatalog.IsRead("Telemetry__Exporter").Should().BeFalse();
        AppSettingCatalog.IsRead("TableStorage").Should().BeTrue();
        AppSettingCatalog.IsRead("Channels__demo__Destinations__bot__Kind").Should().BeTrue();
        AppSettingCatalog.IsRead("KeyVault__vaultUrl").Should().BeFalse();
        AppSettingCatalog.IsRead("KeyVault").Should().BeFalse();
        AppSettingCatalog.IsRead("TableStorage__accountKey").Should().BeFalse();
        AppSettingCatalog.IsRead("Line__Endpoints__ApiBaseUrl").Should().BeFalse("the client's base URLs are Line__ApiBaseUrl and Line__DataApiBaseUrl");
        AppSettingCatalog.IsRead("ServiceBusConnection__namespace").Should().BeFalse();
        AppSettingCatalog.IsRead("Admin__Key").Should().BeFalse();
    }

    [Fact]
    public void The_outbound_handler_is_told_the_queues_delivery_count()
    {
        // OutboundDelivery reports a transient failure as final on the last delivery: it must know the queue's count.
        var deployment = InfrastructureTests.Deployment("FlexConsumption");
        var told = int.Parse(deployment.AppSettings()[$"{OutboundDeliveryOptions.Section}__{nameof(OutboundDeliveryOptions.MaxDeliveryCount)}"], CultureInfo.InvariantCulture);

        deployment.OfType("Microsoft.ServiceBus/namespaces/queues").Select(q => q.GetProperty("properties").GetProperty("maxDeliveryCount").GetInt32())
            .Should().NotBeEmpty().And.OnlyContain(count => count == told);
        told.Should().Be(new OutboundDeliveryOptions().MaxDeliveryCount).And.Be(new LocalQueueOptions().MaxDeliveryCount);
        BicepCli.Snapshot(new Dictionary<string, string> { ["maxDeliveryCount"] = "4" }).AppSettings()[$"{OutboundDeliveryOptions.Section}__{nameof(OutboundDeliveryOptions.MaxDeliveryCount)}"]
            .Should().Be("4", "the setting follows the parameter that sets the queues' count");
    }

    [Theory]
    [MemberData(nameof(InfrastructureTests.Plans), MemberType = typeof(InfrastructureTests))]
    public void Every_identity_setting_and_role_is_the_apps_user_assigned_identity(string plan)
    {
        var deployment = InfrastructureTests.Deployment(plan);
        var expressions = deployment.AppSettingExpressions;

        expressions.Where(s => s.Key.EndsWith("__clientId", StringComparison.Ordinal)).Should().NotBeEmpty()
            .And.OnlyContain(s => ArmRuntimeValues.ReferencedResource(s.Value) == deployment.AppIdentityId && s.Value.EndsWith(".clientId]", StringComparison.Ordinal));
        deployment.AppSettings()["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"].Should().Be($"ClientId={ArmRuntimeValues.ClientId};Authorization=AAD");
        if (plan != "FlexConsumption")
        {
            expressions["WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID"].Should().Be(deployment.AppIdentityId);
        }

        deployment.Site.GetProperty("identity").GetProperty("userAssignedIdentities").EnumerateObject().Select(i => i.Name).Should().Contain(deployment.AppIdentityId);
        deployment.RoleAssignments()
            .Where(r => r.PrincipalIdentity is not null && r.PrincipalIdentity != deployment.AppIdentityId)
            .Where(r => !(plan == "FlexConsumption" && r.ScopeType == "Microsoft.Storage/storageAccounts/blobServices/containers"))
            .Should().BeEmpty("the only other identity is Flex Consumption's deployment identity, on the releases container");
    }

    /// <summary>The names of the app settings a deployment sets with any of the hosting plans.</summary>
    internal static IReadOnlyList<string> AllDeployedSettingNames() =>
        [.. InfrastructureTests.PlanNames.SelectMany(p => InfrastructureTests.Deployment(p).AppSettingExpressions.Keys).Distinct()];
}
