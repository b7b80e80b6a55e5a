using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LineConnector.Core;
using LineConnector.Core.Channels;
using LineConnector.Core.Storage;
using LineConnector.Core.Translation;
using LineConnector.Tests.Admin;
using LineConnector.Tests.Channels;
using LineConnector.Tests.Support;
using LineConnector.Tests.TestSupport;

namespace LineConnector.Tests.Translation;

/// <summary>The channel's translation settings: defaults, every rule with the field it names, the Table row, the admin API.</summary>
public sealed class TranslationSettingsTests
{
    private static IReadOnlyList<FieldError> Errors(TranslationSettings translation) =>
        [.. ChannelValidation.Validate(ChannelSamples.Settings("desk") with { Translation = translation })];

    [Fact]
    public void The_defaults_are_off_azure_with_a_key_auto_detection_over_three_inputs_the_double_star_marker_kept_and_three_seconds()
    {
        var defaults = new TranslationSettings();

        (defaults.Enabled, defaults.Provider, defaults.Authentication, defaults.UserLanguage, defaults.DetectionInputs, defaults.Marker, defaults.RemoveMarkers, defaults.TimeoutMilliseconds)
            .Should().Be((false, TranslationProvider.AzureTranslator, TranslatorAuthentication.Key, "auto", 3, "**", false, 3_000));
        Errors(defaults).Should().BeEmpty("off needs nothing more");
    }

    [Fact]
    public void Every_rule_names_its_field()
    {
        Errors(new TranslationSettings
        {
            Enabled = true,
            Endpoint = new Uri("http://translator.example.com/"),
            Region = "japan east",
            ResourceId = "tr",
            UserLanguage = "japanese",
            DetectionInputs = 0,
            Marker = "< >",
            TimeoutMilliseconds = 60_000,
        }).Should().BeEquivalentTo(new[]
        {
            new FieldError("translation.endpoint", "an absolute https:// URL without query or fragment (http:// only to this machine) (got 'http://translator.example.com/')"),
            new FieldError("translation.region", "an Azure region name of letters and digits, e.g. japaneast (got 'japan east')"),
            new FieldError("translation.resourceId", "an Azure resource id starting /subscriptions/ (the Translator resource's)"),
            new FieldError("translation.staffLanguage", "required while translation is enabled: a language code such as en or ja"),
            new FieldError("translation.userLanguage", $"auto, or {LanguageCode.Rule} (got 'japanese')"),
            new FieldError("translation.detectionInputs", "1 to 20 (got 0)"),
            new FieldError("translation.marker", "1 to 8 characters, no spaces and none of < > & (got '< >')"),
            new FieldError("translation.timeoutMilliseconds", "200 to 10,000 (got 60,000)"),
        });
    }

    [Fact]
    public void The_managed_identity_is_for_Azure_and_needs_an_endpoint_or_the_resource_id_and_region()
    {
        Errors(new TranslationSettings { Enabled = true, StaffLanguage = "en", Provider = TranslationProvider.DeepL, Authentication = TranslatorAuthentication.ManagedIdentity })
            .Should().Equal(new FieldError("translation.authentication", "DeepL takes only a key (managed-identity is for azure-translator)"));
        Errors(new TranslationSettings { Enabled = true, StaffLanguage = "en", Authentication = TranslatorAuthentication.ManagedIdentity })
            .Should().Equal(new FieldError("translation.resourceId", "with the managed identity, give the Translator resource's custom-subdomain endpoint, or its resourceId and region for the global endpoint"));
        Errors(new TranslationSettings { Enabled = true, StaffLanguage = "en", Authentication = TranslatorAuthentication.ManagedIdentity, Endpoint = new Uri("https://acme.cognitiveservices.azure.com/translator/text/v3.0") })
            .Should().BeEmpty();
        Errors(new TranslationSettings { Enabled = true, StaffLanguage = "zh-Hans", UserLanguage = "pt-BR", Region = "japaneast", Authentication = TranslatorAuthentication.ManagedIdentity, ResourceId = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/tr" })
            .Should().BeEmpty();
    }

    [Fact]
    public async Task The_settings_go_to_Translation_properties_of_the_channel_row_and_back_and_a_bad_one_is_located()
    {
        var store = new InMemoryTableStore();
        var repository = new ChannelRepository(store);
        var translation = new TranslationSettings
        {
            Enabled = true,
            Provider = TranslationProvider.DeepL,
            Endpoint = new Uri("https://api-free.deepl.com/"),
            StaffLanguage = "en-GB",
            UserLanguage = "ja",
            DetectionInputs = 5,
            Marker = "##",
            RemoveMarkers = true,
            TimeoutMilliseconds = 1_500,
        };
        await repository.CreateAsync(new Channel("acme", ChannelStatus.Active, ChannelSamples.Settings("desk") with { Translation = translation }, null, null), default);

        (await repository.GetAsync("acme", default))!.Channel.Settings.Translation.Should().Be(translation);
        var row = (await store.GetAsync(ChannelTables.Channels, ChannelTables.ChannelPartition, "acme", default))!;
        (row.Properties["TranslationEnabled"], row.Properties["TranslationProvider"], row.Properties["TranslationStaffLanguage"], row.Properties["TranslationMarker"], row.Properties["TranslationRemoveMarkers"])
            .Should().Be((true, "deepl", "en-GB", "##", true));
        row.Properties.Keys.Should().NotContain(k => k.Contains("Key", StringComparison.Ordinal) && k != "TranslationMarker", "the key is never in Table Storage");

        await store.UpsertAsync(ChannelTables.Channels, row with { Properties = new Dictionary<string, object?>(row.Properties) { ["TranslationProvider"] = "google", ["TranslationDetectionInputs"] = 50 } }, default);
        var problems = (await FluentActions.Awaiting(() => new ChannelRepository(store).GetAsync("acme", default)).Should().ThrowAsync<ChannelConfigurationException>()).Which.Problems;
        problems.Select(p => (p.Property, p.Message)).Should().BeEquivalentTo(new[] { ("TranslationProvider", "must be azure-translator or deepl (got 'google')") });
        await store.UpsertAsync(ChannelTables.Channels, row with { Properties = new Dictionary<string, object?>(row.Properties) { ["TranslationDetectionInputs"] = 50 } }, default);
        (await FluentActions.Awaiting(() => new ChannelRepository(store).GetAsync("acme", default)).Should().ThrowAsync<ChannelConfigurationException>()).Which.Problems
            .Select(p => (p.Property, p.Message)).Should().Equal(("TranslationDetectionInputs", "1 to 20 (got 50)"));
    }

    [Fact]
    public async Task The_admin_API_takes_shows_and_refuses_translation_settings_naming_the_field()
    {
        await using var line = await FakeLine.StartAsync();
        line.Add(new FakeLine.Account("1001", "secret-one", "U1111"));
        await using var app = ConnectorApp.ForLine(line.BaseUrl);
        using var http = app.CreateClient();
        var settings = ChannelSamples.Settings("desk") with { Translation = new TranslationSettings { Enabled = true, StaffLanguage = "en" } };

        var created = await http.PostAsync("/api/manage/channels", new StringContent(ChannelAdminApiTests.CreateBody("acme", settings, "1001", "secret-one"), Encoding.UTF8, "application/json"));

        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var shown = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["settings"]!["translation"]!;
        shown.ToJsonString().Should().Be("""{"enabled":true,"provider":"azure-translator","authentication":"key","endpoint":null,"region":null,"resourceId":null,"staffLanguage":"en","userLanguage":"auto","detectionInputs":3,"marker":"**","removeMarkers":false,"timeoutMilliseconds":3000}""");

        var body = JsonNode.Parse(ChannelAdminApiTests.CreateBody("beta", settings, "1001", "secret-one"))!;
        body["settings"]!["translation"] = JsonNode.Parse("""{"enabled":true,"provider":"google"}""");
        var refused = await http.PostAsync("/api/manage/channels", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("translation.provider");

        body["settings"]!["translation"] = JsonNode.Parse("""{"enabled":true}""");
        var missing = await http.PostAsync("/api/manage/channels", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        missing.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").GetProperty("settings.translation.staffLanguage")[0].GetString()
            .Should().Be("required while translation is enabled: a language code such as en or ja");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_settings_and_the_language_routes()
    {
        await using var app = new ConnectorApp();
        using var http = app.CreateClient();

        var document = JsonNode.Parse(await http.GetStringAsync("/api/manage/openapi.json"))!;

        document["paths"]!.AsObject().Select(p => p.Key).Should().Contain(["/api/enquiries/{id}/language", "/api/manage/enquiries/{id}/language"]);
        var schemas = document["components"]!["schemas"]!.AsObject();
        schemas.Select(s => s.Key).Should().Contain(["TranslationSettings", "EnquiryLanguageRequest", "EnquiryLanguageResource"]);
        schemas["TranslationSettings"]!["properties"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo(
            ["enabled", "provider", "authentication", "endpoint", "region", "resourceId", "staffLanguage", "userLanguage", "detectionInputs", "marker", "removeMarkers", "timeoutMilliseconds"]);
    }

    [Fact]
    public void The_users_language_is_the_enquirys_then_the_channels_fixed_one_then_the_most_frequent_recent_detection_with_ties_to_the_latest()
    {
        var auto = new TranslationSettings { DetectionInputs = 3 };

        EnquiryLanguages.None.UserLanguage(auto).Should().BeNull();
        new EnquiryLanguages(null, ["ja", "fr", "en"]).UserLanguage(auto).Should().Be("en", "a tie goes to the latest");
        new EnquiryLanguages(null, ["fr", "fr", "ja", "en", "ja"]).UserLanguage(auto).Should().Be("ja", "only the last three count");
        new EnquiryLanguages(null, ["ja"]).UserLanguage(auto with { UserLanguage = "ko" }).Should().Be("ko");
        new EnquiryLanguages("de", ["ja"]).UserLanguage(auto with { UserLanguage = "ko" }).Should().Be("de");
        new EnquiryLanguages(null, []).WithDetected(Enumerable.Repeat("ja", 25)).Detected.Should().HaveCount(TranslationSettings.MaxDetectionInputs);
    }
}
