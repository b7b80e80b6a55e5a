using System.Text.Json;
using System.Xml;
using LineConnector.Core.Queueing;
using LineConnector.Functions.Admin;
using LineConnector.Functions.LocalMode;

namespace LineConnector.Tests.Packaging;

/// <summary>
/// What the compiled Bicep deploys agrees with the code: queue names and semantics, app settings,
/// roles, parameters, outputs. Read from the Bicep compiler's ARM JSON and from deployment
/// snapshots (<see cref="BicepCli"/>), one per hosting plan.
/// </summary>
public sealed class InfrastructureTests
{
    private const string Queues = "Microsoft.ServiceBus/namespaces/queues";
    private const string Containers = "Microsoft.Storage/storageAccounts/blobServices/containers";

    /// <summary>Built-in role ids by the names infra/modules/roles.bicep gives them (Azure built-in roles reference).</summary>
    private static readonly IReadOnlyDictionary<string, string> BuiltInRoles = new Dictionary<string, string>
    {
        ["serviceBusDataSender"] = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
        ["serviceBusDataReceiver"] = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
        ["storageBlobDataOwner"] = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        ["storageBlobDataContributor"] = "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
        ["storageBlobDataReader"] = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
        ["storageTableDataContributor"] = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
        ["keyVaultSecretsUser"] = "4633458b-17de-408a-b874-0445c86b69e6",
        ["keyVaultSecretsOfficer"] = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
        ["monitoringMetricsPublisher"] = "3913510d-42f4-4e42-8a64-420c390055eb",
    };

    /// <summary>The hosting plans main.bicep offers.</summary>
    internal static readonly IReadOnlyList<string> PlanNames = ["FlexConsumption", "ElasticPremium", "Dedicated"];

    public static TheoryData<string> Plans() => [.. PlanNames];

    /// <summary>The deployment with infra/main.bicepparam and <paramref name="plan"/> as its hosting plan.</summary>
    internal static DeploymentSnapshot Deployment(string plan) =>
        plan == "FlexConsumption" ? BicepCli.Snapshot() : BicepCli.Snapshot(new Dictionary<string, string> { ["hostingPlan"] = $"'{plan}'" });

    [Fact]
    public void The_queues_are_the_codes_queues()
    {
        QueueNamesOf(Deployment("FlexConsumption")).Should().BeEquivalentTo([QueueNames.Inbound, QueueNames.Outbound]);
        BicepCli.Main.GetProperty("variables").GetProperty("queueNames").EnumerateArray().Select(q => q.GetString())
            .Should().BeEquivalentTo([QueueNames.Inbound, QueueNames.Outbound]);
    }

    [Fact]
    public void Queues_have_the_semantics_local_mode_imitates()
    {
        var deployment = Deployment("FlexConsumption");
        var local = new LocalQueueOptions();

        deployment.OfType(Queues).Should().HaveCount(2);
        foreach (var queue in deployment.OfType(Queues).Select(q => q.GetProperty("properties")))
        {
            queue.GetProperty("requiresSession").GetBoolean().Should().BeTrue();
            queue.GetProperty("requiresDuplicateDetection").GetBoolean().Should().BeTrue();
            queue.GetProperty("deadLetteringOnMessageExpiration").GetBoolean().Should().BeTrue();
            Duration(queue.GetProperty("duplicateDetectionHistoryTimeWindow").GetString()!).Should().Be(local.DuplicateDetectionWindow);
            queue.GetProperty("maxDeliveryCount").GetInt32().Should().Be(local.MaxDeliveryCount);
        }

        deployment.Single("Microsoft.ServiceBus/namespaces").GetProperty("properties").GetProperty("disableLocalAuth").GetBoolean()
            .Should().BeTrue("only identities with data roles may reach the queues");
    }

    [Fact]
    public void The_lock_covers_a_handler_running_until_its_timeout()
    {
        using var host = JsonDocument.Parse(RepositoryFiles.Read("host.json"));
        var functionTimeout = TimeSpan.Parse(host.RootElement.GetProperty("functionTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var renewal = TimeSpan.Parse(host.RootElement.GetProperty("extensions").GetProperty("serviceBus").GetProperty("maxAutoLockRenewalDuration").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        renewal.Should().BeGreaterThanOrEqualTo(functionTimeout, "the host renews the session lock for as long as a handler may run");
        foreach (var queue in Deployment("FlexConsumption").OfType(Queues))
        {
            Duration(queue.GetProperty("properties").GetProperty("lockDuration").GetString()!)
                .Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(5), "Service Bus allows a lock of at most 5 minutes");
        }
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void App_settings_configure_the_custom_handler_and_identity_based_connections(string plan)
    {
        var deployment = Deployment(plan);
        var settings = deployment.AppSettings();
        var site = deployment.Site.GetProperty("properties");

        settings["AzureWebJobsStorage__credential"].Should().Be("managedidentity");
        settings["ServiceBusConnection__credential"].Should().Be("managedidentity");
        settings.Should().ContainKeys(
            "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__clientId",
            "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING");
        settings.Keys.Should().NotContain(["AzureWebJobsStorage", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "APPINSIGHTS_INSTRUMENTATIONKEY"], "each would hold a key");
        if (plan == "FlexConsumption")
        {
            // Flex Consumption refuses these settings: the runtime and the package are in functionAppConfig.
            settings.Keys.Should().NotContain(["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID", "WEBSITE_CONTENTSHARE"]);
            var runtime = site.GetProperty("functionAppConfig").GetProperty("runtime");
            runtime.GetProperty("name").GetString().Should().Be("custom");
            runtime.GetProperty("version").GetString().Should().Be("1.0");
            site.GetProperty("siteConfig").TryGetProperty("linuxFxVersion", out var linuxFxVersion).Should().BeTrue();
            linuxFxVersion.ValueKind.Should().Be(JsonValueKind.Null, "Flex Consumption takes no linuxFxVersion");
        }
        else
        {
            settings["FUNCTIONS_WORKER_RUNTIME"].Should().Be("custom");
            settings["FUNCTIONS_EXTENSION_VERSION"].Should().Be("~4");
            settings.Should().ContainKeys("WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID");
            site.GetProperty("functionAppConfig").ValueKind.Should().Be(JsonValueKind.Null);
            site.GetProperty("siteConfig").GetProperty("linuxFxVersion").GetString().Should().BeEmpty("the custom handler stack has no language image");
        }
    }

    [Fact]
    public void Flex_consumption_is_the_default_plan_with_its_scale_settings()
    {
        var parameters = BicepCli.Main.GetProperty("parameters");
        var scale = Deployment("FlexConsumption").Site.GetProperty("properties").GetProperty("functionAppConfig").GetProperty("scaleAndConcurrency");
        var plan = Deployment("FlexConsumption").Single("Microsoft.Web/serverfarms");

        parameters.GetProperty("hostingPlan").GetProperty("defaultValue").GetString().Should().Be("FlexConsumption");
        BicepCli.BuildParameters(RepositoryFiles.PathOf("infra", "main.bicepparam")).GetProperty("hostingPlan").GetProperty("value").GetString().Should().Be("FlexConsumption");
        plan.GetProperty("sku").GetProperty("name").GetString().Should().Be("FC1");
        plan.GetProperty("sku").GetProperty("tier").GetString().Should().Be("FlexConsumption");
        scale.GetProperty("instanceMemoryMB").GetInt32().Should().Be(parameters.GetProperty("flexInstanceMemoryMB").GetProperty("defaultValue").GetInt32());
        scale.GetProperty("maximumInstanceCount").GetInt32().Should().Be(parameters.GetProperty("flexMaximumInstanceCount").GetProperty("defaultValue").GetInt32());
        scale.GetProperty("alwaysReady").EnumerateArray().Should().ContainSingle()
            .Which.GetProperty("name").GetString().Should().Be("http", "the webhook and the APIs are the HTTP group; LINE's webhook should not wait for a cold start");
        BicepCli.Snapshot(new Dictionary<string, string> { ["flexAlwaysReadyHttpInstances"] = "0" }).Site
            .GetProperty("properties").GetProperty("functionAppConfig").GetProperty("scaleAndConcurrency").GetProperty("alwaysReady").GetArrayLength()
            .Should().Be(0, "0 lets the app scale to zero");
        Deployment("ElasticPremium").Single("Microsoft.Web/serverfarms").GetProperty("sku").GetProperty("name").GetString().Should().Be("EP1");
        Deployment("Dedicated").Single("Microsoft.Web/serverfarms").GetProperty("sku").GetProperty("name").GetString().Should().Be("P0v3");
        Deployment("Dedicated").Site.GetProperty("properties").GetProperty("siteConfig").GetProperty("alwaysOn").GetBoolean()
            .Should().BeTrue("a Dedicated plan must stay loaded for the Service Bus triggers to fire");
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void Every_function_connection_has_its_identity_based_settings(string plan)
    {
        var settings = Deployment(plan).AppSettings();
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
            settings.Should().ContainKeys($"{connection}__fullyQualifiedNamespace", $"{connection}__credential", $"{connection}__clientId");
        }
    }

    [Fact]
    public void No_template_reads_or_writes_a_key()
    {
        var template = BicepCli.Main.GetRawText();

        template.Should().NotContainAny(["listKeys(", "AccountKey=", "SharedAccessKey", "listConnectionStrings(", "listSecrets("], "the template must use identities only");
        template.Should().Contain("\"allowSharedKeyAccess\": false").And.Contain("\"disableLocalAuth\": true").And.Contain("\"DisableLocalAuth\": true");
    }

    [Fact]
    public void Role_definition_ids_are_the_built_in_roles()
    {
        // Azure built-in roles reference; a mistyped id would assign nothing, or the wrong role.
        var roles = BicepCli.Build(RepositoryFiles.PathOf("infra", "modules", "roles.bicep"))
            .GetProperty("variables").GetProperty("builtInRoles").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString()!);
        roles.Should().Equal(BuiltInRoles);

        var assigned = PlanNames.SelectMany(p => Deployment(p).RoleAssignments()).Select(r => r.RoleId).Distinct();
        assigned.Should().BeEquivalentTo(roles.Values, "every role assigned is a role listed, and every role listed is assigned with some plan");
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void The_app_identity_has_exactly_the_roles_its_code_needs(string plan)
    {
        var deployment = Deployment(plan);
        var hostStorage = deployment.Output("storageAccountName");
        var releasesStorage = deployment.Output("releasesStorageAccountName");
        var assigned = deployment.RoleAssignments()
            .Where(r => r.PrincipalIdentity == deployment.AppIdentityId)
            .Select(r => (Role: RoleName(r.RoleId), r.ScopeType, r.ScopeName))
            .ToList();
        List<(string Role, string ScopeType, string ScopeName)> expected =
        [
            // The Functions host's storage; it holds no deployment package. Its media container's SAS are signed with a user delegation key this role may ask for.
            ("storageBlobDataOwner", "Microsoft.Storage/storageAccounts", hostStorage),
            // The channel tables (TableStorage__tableServiceUri).
            ("storageTableDataContributor", "Microsoft.Storage/storageAccounts", hostStorage),
            // The webhook and the handlers send; the host's triggers receive.
            ("serviceBusDataSender", Queues, QueueNames.Inbound),
            ("serviceBusDataSender", Queues, QueueNames.Outbound),
            ("serviceBusDataReceiver", Queues, QueueNames.Inbound),
            ("serviceBusDataReceiver", Queues, QueueNames.Outbound),
            // KeyVaultChannelSecrets reads; the admin API's create and set-credentials write and delete (adminApiWritesCredentials).
            ("keyVaultSecretsUser", "Microsoft.KeyVault/vaults", deployment.Output("keyVaultName")),
            ("keyVaultSecretsOfficer", "Microsoft.KeyVault/vaults", deployment.Output("keyVaultName")),
            ("monitoringMetricsPublisher", "Microsoft.Insights/components", deployment.Output("appInsightsName")),
        ];
        if (plan != "FlexConsumption")
        {
            // Run from package: read its own package, and nothing more of the releases account.
            expected.Add(("storageBlobDataReader", Containers, deployment.Output("releasesContainerName")));
        }

        hostStorage.Should().NotBe(releasesStorage, "the app owns the host's storage and may only read its packages");
        assigned.Should().BeEquivalentTo(expected);
        deployment.RoleAssignments()
            .Where(r => r.PrincipalIdentity == deployment.AppIdentityId && r.Scope.Contains($"/storageAccounts/{releasesStorage}", StringComparison.Ordinal) && RoleName(r.RoleId) != "storageBlobDataReader")
            .Should().BeEmpty("the app may only read its packages");
    }

    [Fact]
    public void On_flex_consumption_a_deployment_identity_of_its_own_writes_the_package()
    {
        var deployment = Deployment("FlexConsumption");
        var storage = deployment.Site.GetProperty("properties").GetProperty("functionAppConfig").GetProperty("deployment").GetProperty("storage");
        var deploymentIdentity = storage.GetProperty("authentication").GetProperty("userAssignedIdentityResourceId").GetString()!;
        // The releases container: the host's account also has the media container (remuxed audio).
        var container = deployment.OfType(Containers).Single(c => c.GetProperty("name").GetString()!.EndsWith("/" + deployment.Output("releasesContainerName"), StringComparison.Ordinal));

        storage.GetProperty("authentication").GetProperty("type").GetString().Should().Be("UserAssignedIdentity");
        deploymentIdentity.Should().NotBe(deployment.AppIdentityId, "the identity the app's code uses may not write its own package");
        ArmRuntimeValues.Evaluate(storage.GetProperty("value").GetString()!)
            .Should().Be($"https://{deployment.Output("releasesStorageAccountName")}.blob.core.windows.net/{deployment.Output("releasesContainerName")}");
        deployment.Site.GetProperty("identity").GetProperty("userAssignedIdentities").EnumerateObject().Select(i => i.Name)
            .Should().BeEquivalentTo([deployment.AppIdentityId, deploymentIdentity], "the platform uses only identities of the site");
        deployment.RoleAssignments().Where(r => r.PrincipalIdentity == deploymentIdentity).Should().ContainSingle()
            .Which.Should().Be(deployment.RoleAssignments().Single(r => r.PrincipalIdentity == deploymentIdentity && RoleName(r.RoleId) == "storageBlobDataContributor" && r.Scope == container.GetProperty("id").GetString()));
        Deployment("ElasticPremium").OfType("Microsoft.ManagedIdentity/userAssignedIdentities").Should().ContainSingle("only Flex Consumption has a deployment identity");
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void Role_assignment_names_are_known_before_the_deployment(string plan)
    {
        // A name built from a principal id the deployment creates is known only once it runs: the
        // what-if that reviewers approve could not show the assignment. The snapshot evaluates
        // everything known beforehand, so such a name would stay an expression.
        var assignments = Deployment(plan).RoleAssignments();

        assignments.Should().NotBeEmpty();
        assignments.Select(r => r.Name).Should().OnlyContain(name => IsGuid(name), "every name is a GUID computed before the deployment");
        assignments.Select(r => r.Name).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Operators_get_their_roles_with_the_principal_type_the_parameter_file_is_given()
    {
        var parameterFile = RepositoryFiles.PathOf("infra", "main.bicepparam");
        var user = BicepCli.BuildParameters(parameterFile, BicepCli.DeploymentGuideEnvironment);
        var group = BicepCli.BuildParameters(parameterFile, new Dictionary<string, string>(BicepCli.DeploymentGuideEnvironment) { ["LINECONNECTOR_OPERATOR_PRINCIPAL_TYPE"] = "Group" });
        var operatorRoles = Deployment("ElasticPremium").RoleAssignments().Where(r => r.Principal == BicepCli.Principals.Operator).ToList();

        user.GetProperty("operatorPrincipalType").GetProperty("value").GetString().Should().Be("User", "the deployment guide exports the signed-in user's id");
        group.GetProperty("operatorPrincipalType").GetProperty("value").GetString().Should().Be("Group");
        operatorRoles.Select(r => (RoleName(r.RoleId), r.ScopeType)).Should().BeEquivalentTo(new[]
        {
            ("keyVaultSecretsOfficer", "Microsoft.KeyVault/vaults"),
            ("storageTableDataContributor", "Microsoft.Storage/storageAccounts"),
            ("storageBlobDataContributor", Containers),
            ("serviceBusDataReceiver", Queues),
            ("serviceBusDataReceiver", Queues),
            ("serviceBusDataSender", Queues),
            ("serviceBusDataSender", Queues),
        });
        operatorRoles.Should().OnlyContain(r => r.PrincipalType == "User");
        Deployment("ElasticPremium").RoleAssignments().Where(r => r.Principal == BicepCli.Principals.Pipeline)
            .Should().ContainSingle().Which.Should().Match<SnapshotRoleAssignment>(r => RoleName(r.RoleId) == "storageBlobDataContributor" && r.ScopeType == Containers && r.PrincipalType == "ServicePrincipal");
    }

    [Fact]
    public void A_key_vault_name_salt_gives_the_vault_a_new_name_and_leaves_the_others()
    {
        var salted = BicepCli.Snapshot(new Dictionary<string, string> { ["keyVaultNameSalt"] = "'2'" });
        var plain = Deployment("FlexConsumption");

        salted.Output("keyVaultName").Should().NotBe(plain.Output("keyVaultName")).And.StartWith("kv").And.HaveLength(plain.Output("keyVaultName").Length);
        salted.Output("storageAccountName").Should().Be(plain.Output("storageAccountName"));
        salted.Output("functionAppName").Should().Be(plain.Output("functionAppName"));
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void The_user_id_hash_key_is_a_key_vault_reference_resolved_with_the_apps_identity(string plan)
    {
        var deployment = Deployment(plan);
        var vault = deployment.Output("keyVaultName");

        deployment.AppSettings().Should().Contain(
            $"{Functions.Privacy.DataProtectionOptions.Section}__UserIdHashKey",
            $"@Microsoft.KeyVault(VaultName={vault};SecretName=user-id-hash-key)",
            "every instance and every restart must hash with the same key, kept in Key Vault");
        deployment.Site.GetProperty("properties").GetProperty("keyVaultReferenceIdentity").GetString()
            .Should().Be(deployment.AppIdentityId, "the app's identity is the one with Key Vault Secrets User");
    }

    [Fact]
    public void The_user_id_hash_key_is_written_only_when_given_so_that_a_redeployment_keeps_it()
    {
        const string Secrets = "Microsoft.KeyVault/vaults/secrets";
        var parameter = BicepCli.Main.GetProperty("parameters").GetProperty("userIdHashKey");
        parameter.GetProperty("type").GetString().Should().Be("securestring");
        parameter.GetProperty("defaultValue").GetString().Should().BeEmpty("no generated default (newGuid) that would change the key on every deployment");
        BicepCli.BuildParameters(RepositoryFiles.PathOf("infra", "main.bicepparam")).GetProperty("userIdHashKey").GetProperty("value").GetString()
            .Should().BeEmpty("the parameter file reads LINECONNECTOR_USER_ID_HASH_KEY, unset here");

        // Written only on a deployment given a key (ARM evaluates the condition at deployment time).
        var secret = Deployment("FlexConsumption").Single(Secrets);
        secret.GetProperty("condition").GetString().Should().Be("[not(empty(parameters('userIdHashKey')))]", "without a key the secret in the vault is left as it is");
        secret.GetProperty("name").GetString().Should().EndWith("/user-id-hash-key");
        secret.GetProperty("properties").GetProperty("value").GetString().Should().Be("[parameters('userIdHashKey')]");
    }

    [Fact]
    public void By_default_the_admin_api_may_write_credentials()
    {
        // Creating a channel and setting its credentials through the API write to Key Vault.
        BicepCli.Main.GetProperty("parameters").GetProperty("adminApiWritesCredentials").GetProperty("defaultValue").GetBoolean().Should().BeTrue();
        BicepCli.BuildParameters(RepositoryFiles.PathOf("infra", "main.bicepparam")).GetProperty("adminApiWritesCredentials").GetProperty("value").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public void Modules_receive_exactly_the_parameters_they_declare()
    {
        var modules = BicepCli.Main.GetProperty("resources").EnumerateObject()
            .Where(r => r.Value.GetProperty("type").GetString() == "Microsoft.Resources/deployments")
            .ToList();
        modules.Select(m => m.Name).Should().BeEquivalentTo(["monitoring", "storage", "releases", "serviceBus", "keyVault", "functionApp"]);

        foreach (var module in modules)
        {
            var passed = module.Value.GetProperty("properties").GetProperty("parameters").EnumerateObject().Select(p => p.Name).ToList();
            var declared = module.Value.GetProperty("properties").GetProperty("template").GetProperty("parameters").EnumerateObject().ToList();
            passed.Should().BeSubsetOf(declared.Select(p => p.Name), "module {0} declares every parameter main.bicep passes", module.Name);
            declared.Where(p => !p.Value.TryGetProperty("defaultValue", out _)).Select(p => p.Name)
                .Should().BeSubsetOf(passed, "main.bicep passes every parameter of module {0} that has no default", module.Name);
        }
    }

    [Fact]
    public void The_parameter_file_sets_only_parameters_of_main()
    {
        var assigned = BicepCli.BuildParameters(RepositoryFiles.PathOf("infra", "main.bicepparam")).EnumerateObject().Select(p => p.Name).ToList();

        RepositoryFiles.Read("infra", "main.bicepparam").Should().Contain("using './main.bicep'");
        assigned.Should().NotBeEmpty().And.BeSubsetOf(BicepCli.Main.GetProperty("parameters").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Every_file_states_the_api_versions_it_uses()
    {
        // Each module deploys as a deployment named as its file (modules/{name}.bicep).
        var modules = BicepCli.Main.GetProperty("resources").EnumerateObject().Select(r => r.Value)
            .Where(r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments")
            .Select(r => (File: RepositoryFiles.PathOf("infra", "modules", r.GetProperty("name").GetString() + ".bicep"), Template: r.GetProperty("properties").GetProperty("template")))
            .ToList();

        modules.Should().HaveCount(6).And.OnlyContain(m => File.Exists(m.File));
        var files = modules.Select(m => (m.File, m.Template, Nested: false)).Prepend((RepositoryFiles.PathOf("infra", "main.bicep"), BicepCli.Main, Nested: true));
        foreach (var (file, template, nested) in files)
        {
            var header = string.Join('\n', File.ReadLines(file).TakeWhile(line => line.StartsWith("//", StringComparison.Ordinal)));
            foreach (var (type, version) in ApiVersions(template, nested))
            {
                header.Should().Contain(version, "{0} uses {1}@{2}", Path.GetFileName(file), type, version);
            }
        }
    }

    [Fact]
    public void Outputs_give_the_function_app_name_and_the_webhook_url_pattern()
    {
        var deployment = Deployment("FlexConsumption");
        var webhook = FunctionJson.Load(RepositoryFiles.PathOf("LineConnector.Functions", "LineWebhook"));
        var app = deployment.Site.GetProperty("name").GetString();

        deployment.Output("functionAppName").Should().Be(app);
        deployment.Output("webhookUrlPattern").Should().Be($"https://{app}.azurewebsites.net/api/{webhook.HttpRoute}");
        deployment.Output("hostingPlan").Should().Be("FlexConsumption");
    }

    [Fact]
    public void Outputs_give_the_apps_url_for_the_command_line_and_the_admin_apis_channels()
    {
        var deployment = Deployment("FlexConsumption");
        var host = $"https://{deployment.Site.GetProperty("name").GetString()}.azurewebsites.net";

        deployment.Output("functionAppUrl").Should().Be(host);
        deployment.Output("adminApiUrl").Should().Be(host + ChannelAdminEndpoints.ChannelsRoute);
    }

    internal static IReadOnlyList<string> QueueNamesOf(DeploymentSnapshot deployment) =>
        [.. deployment.OfType(Queues).Select(q => q.GetProperty("name").GetString()!.Split('/')[^1])];

    internal static string RoleName(string roleId) => BuiltInRoles.Single(r => r.Value == roleId).Key;

    private static IEnumerable<(string Type, string Version)> ApiVersions(JsonElement template, bool nested)
    {
        foreach (var resource in template.GetProperty("resources").EnumerateObject().Select(r => r.Value))
        {
            var type = resource.GetProperty("type").GetString()!;
            if (type == "Microsoft.Resources/deployments")
            {
                if (nested)
                {
                    foreach (var inner in ApiVersions(resource.GetProperty("properties").GetProperty("template"), nested))
                    {
                        yield return inner;
                    }
                }

                continue;
            }

            yield return (type, resource.GetProperty("apiVersion").GetString()!);
        }
    }

    private static bool IsGuid(string text) => Guid.TryParse(text, out _);

    private static TimeSpan Duration(string iso8601) => XmlConvert.ToTimeSpan(iso8601);
}
