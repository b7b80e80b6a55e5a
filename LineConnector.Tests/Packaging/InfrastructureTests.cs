using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using LineConnector.Core.Queueing;
using LineConnector.Functions.Admin;
using LineConnector.Functions.LocalMode;

namespace LineConnector.Tests.Packaging;

/// <summary>The Bicep files agree with the code: queue names and semantics, app setting names, role ids, parameters.</summary>
public sealed partial class InfrastructureTests
{
    private static readonly string Main = BicepText.Infra("main.bicep");
    private static readonly IReadOnlyDictionary<string, string> AppSettings = BicepText.ObjectEntries(Main, "appSettings");

    [Fact]
    public void The_queues_are_the_codes_queues()
    {
        BicepText.StringArray(Main, "queueNames").Should().BeEquivalentTo([QueueNames.Inbound, QueueNames.Outbound]);
    }

    [Fact]
    public void Queues_have_the_semantics_local_mode_imitates()
    {
        var serviceBus = BicepText.Infra("modules", "servicebus.bicep");
        var local = new LocalQueueOptions();

        serviceBus.Should().Contain("requiresSession: true").And.Contain("requiresDuplicateDetection: true").And.Contain("deadLetteringOnMessageExpiration: true");
        Duration(Single(serviceBus, @"duplicateDetectionHistoryTimeWindow: '(?<value>[^']+)'")).Should().Be(local.DuplicateDetectionWindow);
        int.Parse(Single(Main, @"param maxDeliveryCount int = (?<value>\d+)"), System.Globalization.CultureInfo.InvariantCulture).Should().Be(local.MaxDeliveryCount);
        serviceBus.Should().Contain("disableLocalAuth: true", "only identities with data roles may reach the queues");
    }

    [Fact]
    public void The_lock_covers_a_handler_running_until_its_timeout()
    {
        using var host = JsonDocument.Parse(RepositoryFiles.Read("host.json"));
        var functionTimeout = TimeSpan.Parse(host.RootElement.GetProperty("functionTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var renewal = TimeSpan.Parse(host.RootElement.GetProperty("extensions").GetProperty("serviceBus").GetProperty("maxAutoLockRenewalDuration").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var lockDuration = Duration(Single(Main, @"var queueLockDuration = '(?<value>[^']+)'"));

        renewal.Should().BeGreaterThanOrEqualTo(functionTimeout, "the host renews the session lock for as long as a handler may run");
        lockDuration.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(5), "Service Bus allows a lock of at most 5 minutes");
    }

    [Fact]
    public void App_settings_configure_the_custom_handler_and_identity_based_connections()
    {
        AppSettings["FUNCTIONS_WORKER_RUNTIME"].Should().Be("'custom'");
        AppSettings["FUNCTIONS_EXTENSION_VERSION"].Should().Be("'~4'");
        AppSettings["AzureWebJobsStorage__credential"].Should().Be("'managedidentity'");
        AppSettings["ServiceBusConnection__credential"].Should().Be("'managedidentity'");
        AppSettings.Should().ContainKeys(
            "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__clientId",
            "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID",
            "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING");
        AppSettings.Keys.Should().NotContain(["AzureWebJobsStorage", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "APPINSIGHTS_INSTRUMENTATIONKEY"], "each would hold a key");
    }

    [Fact]
    public void Every_function_connection_has_its_identity_based_settings()
    {
        var connections = Directory.EnumerateFiles(RepositoryFiles.PathOf("LineConnector.Functions"), "function.json", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(path => FunctionJson.Load(Path.GetDirectoryName(path)!))
            .SelectMany(f => f.Bindings)
            .Where(b => b.TryGetProperty("connection", out _))
            .Select(b => b.GetProperty("connection").GetString()!)
            .Distinct()
            .ToList();

        connections.Should().NotBeEmpty();
        foreach (var connection in connections)
        {
            AppSettings.Should().ContainKeys($"{connection}__fullyQualifiedNamespace", $"{connection}__credential", $"{connection}__clientId");
        }
    }

    [Fact]
    public void No_bicep_file_reads_or_writes_a_key()
    {
        foreach (var file in BicepText.Files())
        {
            var text = File.ReadAllText(file);
            text.Should().NotContainAny(["listKeys(", "AccountKey=", "SharedAccessKey", "listConnectionStrings("], "{0} must use identities only", file);
        }
    }

    [Fact]
    public void Role_definition_ids_are_the_built_in_roles()
    {
        // Azure built-in roles reference; a mistyped id would assign nothing, or the wrong role.
        var expected = new Dictionary<string, string>
        {
            ["serviceBusDataSender"] = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
            ["serviceBusDataReceiver"] = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
            ["storageBlobDataOwner"] = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
            ["storageBlobDataContributor"] = "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
            ["storageTableDataContributor"] = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
            ["keyVaultSecretsUser"] = "4633458b-17de-408a-b874-0445c86b69e6",
            ["keyVaultSecretsOfficer"] = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
            ["monitoringMetricsPublisher"] = "3913510d-42f4-4e42-8a64-420c390055eb",
        };

        var roles = BicepText.ObjectEntries(BicepText.Infra("modules", "roles.bicep"), "builtInRoles")
            .ToDictionary(e => e.Key, e => e.Value.Trim('\''));
        roles.Should().Equal(expected);

        var used = BicepText.Files().SelectMany(f => RoleReference().Matches(File.ReadAllText(f))).Select(m => m.Groups["role"].Value).Distinct();
        used.Should().BeSubsetOf(roles.Keys);
        used.Should().BeEquivalentTo(roles.Keys, "every role listed is assigned somewhere");
    }

    [Fact]
    public void The_app_identity_has_exactly_the_roles_its_code_needs()
    {
        var assigned = BicepText.Files().Where(f => f.EndsWith(".bicep", StringComparison.Ordinal))
            .SelectMany(f => BicepText.RoleAssignments(File.ReadAllText(f)).Select(r => (File: Path.GetFileName(f), r.Role, r.Principal, r.Scope, r.Condition, r.Loop)))
            .Where(r => r.Principal == "appPrincipalId")
            .Select(r => (r.File, r.Role, r.Scope, r.Condition, r.Loop))
            .ToList();
        const string EachQueue = "i in range(0, length(queueNames))";

        assigned.Should().BeEquivalentTo(new (string File, string Role, string Scope, string? Condition, string? Loop)[]
        {
            // The Functions host's storage, and the run-from-package blob.
            ("storage.bicep", "storageBlobDataOwner", "account", null, null),
            // The channel tables (TableStorage__tableServiceUri).
            ("storage.bicep", "storageTableDataContributor", "account", null, null),
            // The webhook and the handlers send (ServiceBusQueueSender); the host's triggers receive.
            ("servicebus.bicep", "serviceBusDataSender", "queues[i]", null, EachQueue),
            ("servicebus.bicep", "serviceBusDataReceiver", "queues[i]", null, EachQueue),
            // KeyVaultChannelSecrets reads; the admin API's create and set-credentials write and delete.
            ("keyvault.bicep", "keyVaultSecretsUser", "vault", null, null),
            ("keyvault.bicep", "keyVaultSecretsOfficer", "vault", "adminApiWritesCredentials", null),
            ("monitoring.bicep", "monitoringMetricsPublisher", "appInsights", null, null),
        });
        BicepText.ModuleArguments(Main, "serviceBus")["queueNames"].Should().Be("queueNames", "the roles cover every queue the app uses");
        BicepText.Infra("modules", "keyvault.bicep").Should().Contain("enableRbacAuthorization: true", "the roles only apply to a vault that uses Azure RBAC");
    }

    [Fact]
    public void By_default_the_admin_api_may_write_credentials()
    {
        // Creating a channel and setting its credentials through the API write to Key Vault.
        BicepText.ParameterDefault(Main, "adminApiWritesCredentials").Should().Be("true");
        BicepText.Infra("main.bicepparam").Should().Contain("param adminApiWritesCredentials = true");
    }

    [Fact]
    public void Modules_receive_exactly_the_parameters_they_declare()
    {
        var modules = BicepText.Modules(Main);
        modules.Should().HaveCount(6);

        foreach (var (path, passed) in modules)
        {
            var declared = BicepText.Parameters(BicepText.Infra(path.Split('/')));
            passed.Should().BeSubsetOf(declared.Keys, "{0} declares every parameter main.bicep passes", path);
            declared.Where(p => !p.Value).Select(p => p.Key).Should().BeSubsetOf(passed, "main.bicep passes every parameter of {0} that has no default", path);
        }
    }

    [Fact]
    public void The_parameter_file_sets_only_parameters_of_main()
    {
        var parameterFile = BicepText.Infra("main.bicepparam");

        parameterFile.Should().Contain("using './main.bicep'");
        BicepText.AssignedParameters(parameterFile).Should().NotBeEmpty().And.BeSubsetOf(BicepText.Parameters(Main).Keys);
    }

    [Fact]
    public void Every_file_states_the_api_versions_it_uses()
    {
        foreach (var file in BicepText.Files().Where(f => f.EndsWith(".bicep", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            var header = BicepText.HeaderComment(text);
            foreach (var (type, version) in BicepText.ResourceTypes(text))
            {
                header.Should().Contain(version, "{0} uses {1}@{2}", Path.GetFileName(file), type, version);
            }
        }
    }

    [Fact]
    public void Outputs_give_the_function_app_name_and_the_webhook_url_pattern()
    {
        var webhook = FunctionJson.Load(RepositoryFiles.PathOf("LineConnector.Functions", "LineWebhook"));

        Main.Should().Contain("output functionAppName string");
        Single(Main, @"output webhookUrlPattern string = '(?<value>[^']+)'").Should().EndWith("/api/" + webhook.HttpRoute);
    }

    [Fact]
    public void Outputs_give_the_apps_url_for_the_command_line_and_the_admin_apis_channels()
    {
        const string Host = "https://${functionApp.outputs.defaultHostName}";

        Single(Main, @"output functionAppUrl string = '(?<value>[^']+)'").Should().Be(Host);
        Single(Main, @"output adminApiUrl string = '(?<value>[^']+)'").Should().Be(Host + ChannelAdminEndpoints.ChannelsRoute);
    }

    private static string Single(string text, string pattern)
    {
        var match = Regex.Match(text, pattern, RegexOptions.Multiline);
        match.Success.Should().BeTrue("the file should contain {0}", pattern);
        return match.Groups["value"].Value;
    }

    private static TimeSpan Duration(string iso8601) => XmlConvert.ToTimeSpan(iso8601);

    [GeneratedRegex(@"builtInRoles\.(?<role>\w+)")]
    private static partial Regex RoleReference();
}
