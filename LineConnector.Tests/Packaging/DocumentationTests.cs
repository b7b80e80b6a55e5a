using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using LineConnector.Cli;
using LineConnector.Core.Channels;

namespace LineConnector.Tests.Packaging;

/// <summary>
/// The guides in docs/ show what the code does: every API path is a route of the app, every
/// <c>line-connector</c> command line parses, every app setting named is read, the deployment guide
/// lists the Bicep's app settings, and its JSON examples are requests the admin API accepts.
/// </summary>
public sealed class DocumentationTests
{
    private static readonly IReadOnlyList<MarkdownDocs> Docs = MarkdownDocs.All();
    private static readonly MarkdownDocs Deploy = Docs.Single(d => d.Name == "deploy.md");

    [Fact]
    public async Task Every_api_path_in_the_docs_is_a_route_the_app_serves()
    {
        var endpoints = await AppRoutes.EndpointsAsync();
        var paths = Docs.SelectMany(d => d.ApiPaths().Select(p => (Doc: d.Name, p.Method, p.Path))).ToList();

        paths.Select(p => p.Path).Should().Contain(["/api/manage/channels", "/api/manage/openapi.json"]).And.Contain(p => p.StartsWith("/api/line/", StringComparison.Ordinal));
        paths.Where(p => !endpoints.Any(e => AppRoutes.Serves(e, p.Path, p.Method)))
            .Select(p => $"{p.Doc}: {p.Method} {p.Path}".Replace(":  ", ": ", StringComparison.Ordinal))
            .Should().BeEmpty("the docs must name only routes the app serves");
    }

    [Fact]
    public async Task The_route_check_refuses_what_the_app_does_not_serve()
    {
        var endpoints = await AppRoutes.EndpointsAsync();
        bool Served(string path, string? method = null) => endpoints.Any(e => AppRoutes.Serves(e, path, method));

        Served("/api/line/acme-support", "POST").Should().BeTrue();
        Served("/api/line/{channel id}").Should().BeTrue();
        Served("/api/manage/channels/{id}/credentials", "PUT").Should().BeTrue();
        Served("/api/manage/...").Should().BeTrue();
        Served("/api/admin/channels").Should().BeFalse();
        Served("/api/manage/channel").Should().BeFalse();
        Served("/api/manage/channels/{id}/credentials", "POST").Should().BeFalse();
        Served("/api/manage/channels/{id}/suspend/now").Should().BeFalse();
        Served("/api/{anything}/channels").Should().BeFalse("a placeholder matches only a route parameter");
        Served("/api/line/...").Should().BeTrue("the webhook's route is under /api/line/");
        Served("/api/webhooks/...").Should().BeFalse();
        Served("/api/manage/openapi.json/...").Should().BeFalse();
        Served("/api/console/").Should().BeTrue("the console's route ends in a catch-all");
        Served("/api/console/manage/...").Should().BeTrue();
        Served("/api/consoles/").Should().BeFalse();
    }

    [Fact]
    public void Every_command_line_in_the_docs_parses_with_the_command_line()
    {
        var lines = Docs.SelectMany(d => d.CommandLines().Select(args => (Doc: d.Name, Args: args))).ToList();

        lines.Select(l => string.Join(' ', l.Args.Take(2))).Should().Contain(["channels create", "channels set-credentials", "dead-letters replay"]);
        lines.Select(l => (l.Doc, l.Args, Errors: Parse(l.Args)))
            .Where(l => l.Errors.Count > 0)
            .Select(l => $"{l.Doc}: line-connector {string.Join(' ', l.Args)}: {string.Join("; ", l.Errors)}")
            .Should().BeEmpty();
    }

    [Fact]
    public void Every_command_the_prose_names_exists()
    {
        var named = Docs.SelectMany(d => d.InlineCommands().Select(args => (Doc: d.Name, Args: args))).ToList();

        named.Should().NotBeEmpty();
        named.Where(n => UnknownCommand(n.Args) is not null)
            .Select(n => $"{n.Doc}: line-connector {string.Join(' ', n.Args)}: no command '{UnknownCommand(n.Args)}'")
            .Should().BeEmpty();
    }

    [Fact]
    public void The_command_line_checks_refuse_what_the_command_line_does_not_take()
    {
        Parse(["channels", "create", "acme", "--settings", "acme.json", "--line-channel-id", "1657000000"]).Should().BeEmpty();
        Parse(["channels", "create", "acme", "--setting", "acme.json"]).Should().NotBeEmpty();
        Parse(["channels", "add", "acme"]).Should().NotBeEmpty();
        Parse(["dead-letters", "replay", "--namespace", "sb", "--queue", "line-elsewhere"]).Should().NotBeEmpty();
        UnknownCommand(["channels", "set-credentials"]).Should().BeNull();
        UnknownCommand(["channels", "show", "acme"]).Should().BeNull();
        UnknownCommand(["channels", "rotate-secret"]).Should().Be("rotate-secret");
        UnknownCommand(["admin", "channels"]).Should().Be("admin");
    }

    [Fact]
    public void Every_app_setting_the_docs_name_is_read_by_the_host_or_the_app()
    {
        var named = Docs.SelectMany(d => d.SettingNames().Select(name => (Doc: d.Name, Name: name))).ToList();

        named.Select(n => n.Name).Should().Contain(["KeyVault__vaultUri", "KeyVault__PreviousSecretGracePeriod"]);
        named.Where(n => !AppSettingCatalog.IsRead(n.Name)).Select(n => $"{n.Doc}: {n.Name}").Should().BeEmpty();
    }

    [Fact]
    public void The_deployment_guide_lists_exactly_the_app_settings_the_bicep_sets()
    {
        var listed = Deploy.Table("## App settings the deployment sets").Select(row => row[0].Trim('`')).ToList();

        listed.Should().OnlyHaveUniqueItems().And.BeEquivalentTo(AppSettingsTests.AllDeployedSettingNames());
    }

    [Fact]
    public void The_pipelines_role_administrator_condition_allows_exactly_the_roles_the_bicep_assigns()
    {
        var block = Deploy.CodeBlocks().Single(b => b.Lines.Any(l => l.Contains("--condition \"$condition\"", StringComparison.Ordinal)));
        var roles = block.Lines.Single(l => l.StartsWith("roles=", StringComparison.Ordinal));
        var condition = block.Lines.Single(l => l.StartsWith("condition=", StringComparison.Ordinal));
        var assigned = BicepCli.Build(RepositoryFiles.PathOf("infra", "modules", "roles.bicep"))
            .GetProperty("variables").GetProperty("builtInRoles").EnumerateObject().Select(r => r.Value.GetString());

        System.Text.RegularExpressions.Regex.Matches(roles, "[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}").Select(m => m.Value)
            .Should().BeEquivalentTo(assigned, "the pipeline may assign the roles of infra/modules/roles.bicep and no other");
        block.Lines.Should().Contain("types=\"'ServicePrincipal', '$operator_type'\"");
        condition.Should().Contain("roleAssignments/write").And.Contain("roleAssignments/delete")
            .And.Contain("@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {$roles}")
            .And.Contain("@Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {$types}")
            .And.Contain("@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {$roles}");
        Deploy.Text.Should().NotContain("--role \"Role Based Access Control Administrator\" --scope \"$scope\"\n", "the role is never given without its condition");
    }

    [Fact]
    public void Json_examples_of_the_guides_are_channel_requests_the_admin_api_accepts()
    {
        var examples = Docs.Where(d => d.Name is "deploy.md" or "operations.md")
            .SelectMany(d => d.CodeBlocks().Where(b => b.Language == "json").Select(b => (Doc: d.Name, Json: string.Join('\n', b.Lines))))
            .ToList();

        examples.Should().NotBeEmpty();
        foreach (var (doc, json) in examples)
        {
            ChannelRequestErrors(json).Should().BeEmpty("{0} shows {1}", doc, json);
        }
    }

    [Fact]
    public void The_json_check_refuses_misspelt_and_invalid_requests()
    {
        const string Valid = """{"name": "Acme", "timeZone": "Asia/Tokyo", "destinations": [{"id": "desk", "kind": "staff", "transport": "https-webhook", "webhookUrl": "https://desk.example.com/line"}], "routing": {"kind": "alternative", "targets": [{"destination": "desk"}]}}""";

        ChannelRequestErrors(Valid).Should().BeEmpty();
        ChannelRequestErrors(Valid.Replace("timeZone", "timezone_name", StringComparison.Ordinal)).Should().NotBeEmpty();
        ChannelRequestErrors(Valid.Replace("Asia/Tokyo", "Tokyo", StringComparison.Ordinal)).Should().NotBeEmpty();
        string Create(string credentials) => "{\"id\": \"acme\", \"settings\": " + Valid + credentials + "}";
        ChannelRequestErrors(Create("")).Should().NotBeEmpty("a create request needs credentials");
        ChannelRequestErrors(Create(""", "credentials": {"lineChannelId": "1657000000", "channelSecret": "s"}""")).Should().BeEmpty();
        ChannelRequestErrors(Create(""", "credentials": {"channelId": "1657000000", "channelSecret": "s"}""")).Should().NotBeEmpty();
    }

    private static IReadOnlyList<string> Parse(IReadOnlyList<string> args) =>
        [.. CliRunner.Root(CliCommands.All()).Parse([.. args]).Errors.Select(e => e.Message)];

    /// <summary>The first word of <paramref name="args"/> that should name a command and does not; null when every one does.</summary>
    private static string? UnknownCommand(IReadOnlyList<string> args)
    {
        Command command = CliRunner.Root(CliCommands.All());
        foreach (var word in args.TakeWhile(w => !w.StartsWith('-') && w != "..."))
        {
            if (command.Subcommands.FirstOrDefault(c => c.Name == word) is { } subcommand)
            {
                command = subcommand;
            }
            else
            {
                return command.Arguments.Count > 0 ? null : word;
            }
        }

        return null;
    }

    /// <summary>
    /// What the admin API would refuse in <paramref name="json"/>: a create request (with <c>settings</c>)
    /// or a channel's settings (a <c>--settings</c> file). Unknown properties are refused too, since
    /// the API would silently ignore a misspelt one.
    /// </summary>
    private static IReadOnlyList<string> ChannelRequestErrors(string json)
    {
        var strict = new JsonSerializerOptions(ChannelJsonContext.Default.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.TryGetProperty("settings", out _))
            {
                var request = JsonSerializer.Deserialize<ChannelCreateRequest>(json, strict)!;
                List<string> errors = [.. ChannelValidation.ValidateId(request.Id).Select(e => e.ToString())];
                errors.AddRange(request.Settings is null ? ["settings: required"] : ChannelValidation.Validate(request.Settings, "settings.").Select(e => e.ToString()));
                if (request.Credentials is not { ChannelSecret.Length: > 0 } credentials || (credentials.LineChannelId is null && credentials.ChannelAccessToken is null))
                {
                    errors.Add("credentials: channelSecret, and lineChannelId or channelAccessToken");
                }

                return errors;
            }

            return [.. ChannelValidation.Validate(JsonSerializer.Deserialize<ChannelSettings>(json, strict)!).Select(e => e.ToString())];
        }
        catch (JsonException e)
        {
            return [e.Message];
        }
    }
}
