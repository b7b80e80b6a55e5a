using System.Globalization;
using System.Text.Json;
using LineConnector.Core.Outbound;
using LineConnector.Functions.Hosting;
using LineConnector.Functions.KeyVault;
using LineConnector.Functions.LocalMode;
using LineConnector.Functions.TableStorage;

namespace LineConnector.Tests.Packaging;

/// <summary>
/// The app settings of the Bicep and of local.settings.sample.json are settings the code reads, and
/// the Bicep sets those it requires. (<see cref="HostedStartupTests"/> starts the published app with them.)
/// </summary>
public sealed class AppSettingsTests
{
    private static readonly string Main = BicepText.Infra("main.bicep");

    [Fact]
    public void The_bicep_sets_what_the_host_and_the_app_require()
    {
        var settings = BicepAppSettings.Expressions;

        settings.Should().ContainKeys(
            "FUNCTIONS_WORKER_RUNTIME",
            "FUNCTIONS_EXTENSION_VERSION",
            "AzureWebJobsStorage__accountName",
            $"{ConnectorHost.ServiceBusSection}__fullyQualifiedNamespace",
            $"{KeyVaultOptions.Section}__vaultUri");
        settings.Keys.Should().Contain(
            k => k == $"{TableStorageSettings.Section}__{TableStorageSettings.TableServiceUri}" || k == $"{TableStorageSettings.Section}__{TableStorageSettings.AccountName}",
            "under the host the app needs the channel tables' account");
    }

    [Fact]
    public void Every_app_setting_the_bicep_sets_is_read_by_the_host_or_the_app()
    {
        BicepAppSettings.Expressions.Keys.Where(name => !AppSettingCatalog.IsRead(name)).Should().BeEmpty("a setting nothing reads is a misspelt name or a leftover");
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
        BicepAppSettings.Expressions.Should().Contain($"{OutboundDeliveryOptions.Section}__{nameof(OutboundDeliveryOptions.MaxDeliveryCount)}", "string(maxDeliveryCount)");
        BicepText.ModuleArguments(Main, "serviceBus").Should().Contain("maxDeliveryCount", "maxDeliveryCount");

        var deployed = int.Parse(BicepAppSettings.Deployed()[$"{OutboundDeliveryOptions.Section}__{nameof(OutboundDeliveryOptions.MaxDeliveryCount)}"], CultureInfo.InvariantCulture);
        deployed.Should().Be(new OutboundDeliveryOptions().MaxDeliveryCount).And.Be(new LocalQueueOptions().MaxDeliveryCount);
    }

    [Fact]
    public void Every_identity_setting_and_role_is_the_apps_user_assigned_identity()
    {
        var settings = BicepAppSettings.Expressions;

        settings.Where(s => s.Key.EndsWith("__clientId", StringComparison.Ordinal)).Should().NotBeEmpty()
            .And.OnlyContain(s => s.Value == "identity.outputs.clientId");
        settings["WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID"].Should().Be("identity.outputs.id");
        settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"].Should().Contain("${identity.outputs.clientId}");
        BicepText.ModuleArguments(Main, "functionApp")["identityId"].Should().Be("identity.outputs.id");
        foreach (var module in new[] { "monitoring", "storage", "serviceBus", "keyVault" })
        {
            BicepText.ModuleArguments(Main, module)["appPrincipalId"].Should().Be("identity.outputs.principalId", "module {0} assigns its roles to the app's identity", module);
        }
    }
}
