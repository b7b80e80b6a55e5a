using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Storage;
using LineConnector.Core.Telemetry;
using LineConnector.Core.Translation;
using LineConnector.Tests.Enquiries;
using Microsoft.Extensions.DependencyInjection;
using static LineConnector.Tests.Enquiries.EnquiryWorld;

namespace LineConnector.Tests.Translation;

/// <summary>
/// Real-time translation in local mode: fake LINE, the desk (staff) and a local fake of each provider. User text reaches
/// the desk translated with the original beside it; staff replies reach LINE in the user's language; a failing provider
/// never holds a message back.
/// </summary>
public sealed class TranslationEndToEndTests : IAsyncLifetime
{
    private FakeTranslator _translator = null!;

    public async Task InitializeAsync() => _translator = await FakeTranslator.StartAsync();

    public async Task DisposeAsync() => await _translator.DisposeAsync();

    private Task<EnquiryWorld> StartAsync(string provider = "azure-translator", Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"Channels:{Channel}:TranslationEnabled"] = "true",
            [$"Channels:{Channel}:TranslationProvider"] = provider,
            [$"Channels:{Channel}:TranslationEndpoint"] = _translator.BaseAddress.ToString(),
            [$"Channels:{Channel}:TranslationStaffLanguage"] = "en",
            [$"Channels:{Channel}:TranslatorKey"] = provider == "deepl" ? FakeTranslator.DeepLKey : FakeTranslator.AzureKey,
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[$"Channels:{Channel}:{key}"] = value;
        }

        return EnquiryWorld.StartAsync(settings);
    }

    private static string Reply(string text, string type = "text") => $$"""{"staff":{"id":"aiko","firstName":"Aiko"},"messages":[{"type":"{{type}}","text":{{JsonSerializer.Serialize(text)}}}]}""";

    private static string TextOf(DestinationMessageView message) => message.Event.GetProperty("message").GetProperty("text").GetString()!;

    private sealed record DestinationMessageView(JsonElement Event, TranslationInfo? Translation);

    private static List<DestinationMessageView> Events(EnquiryWorld world) =>
        [.. world.Received("desk").Where(r => r.Message.Kind == "event").Select(r => new DestinationMessageView(r.Message.Event!.Value, r.Message.Translation))];

    private static async Task<ReplyAccepted> ReplyAsync(EnquiryWorld world, string enquiryId, string text, string type = "text")
    {
        var response = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{enquiryId}/messages", DeskSecret, Reply(text, type));
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        await world.IdleAsync();
        return (await response.Content.ReadFromJsonAsync(EnquiryApiJsonContext.Default.ReplyAccepted))!;
    }

    [Fact]
    public async Task Azure_translates_user_text_for_staff_with_the_original_beside_it_and_the_staff_reply_back_into_the_detected_language()
    {
        await using var world = await StartAsync();

        await world.PostWebhookAsync(Text(User(1), "01TRANSLATE0000000000001", "こんにちは"));

        var received = Events(world).Should().ContainSingle().Subject;
        TextOf(received).Should().Be("Hello");
        received.Translation.Should().BeEquivalentTo(new TranslationInfo("azure-translator", "en") { SourceLanguage = "ja", OriginalText = "こんにちは" });
        var enquiryRow = (await world.RowsAsync(EnquiryWorld.Enquiries)).Should().ContainSingle().Subject;
        enquiryRow.Properties[EnquiryProperties.DetectedLanguages].Should().Be("ja");
        var toStaff = _translator.Requests.Should().ContainSingle().Subject;
        toStaff.PathAndQuery.Should().Be("/translate?api-version=3.0&to=en");
        toStaff.Headers["Ocp-Apim-Subscription-Key"].Should().Be(FakeTranslator.AzureKey);

        var accepted = await ReplyAsync(world, EnquiryIds.For(Channel, User(1), "01TRANSLATE0000000000001"), "It ships today.");

        Texts(world.Outbound().Last()).Should().Equal("本日発送します。");
        var report = await world.EventuallyAsync(() => world.Received("desk").Select(r => r.Message).FirstOrDefault(m => m.Kind == "delivery" && m.Delivery!.OutboundId == accepted.OutboundId), "the delivery report");
        report.Delivery!.TranslationFailure.Should().BeNull();
        accepted.Translation.Should().BeEquivalentTo(new TranslationInfo("azure-translator", "ja") { SourceLanguage = "en" });
        accepted.Note.Should().Contain("The reply was translated by azure-translator from en into ja.");
        _translator.Requests[^1].PathAndQuery.Should().Be("/translate?api-version=3.0&to=ja&from=en");
        world.Line.Requests.Where(r => r.Path == "/v2/bot/message/reply" || r.Path == "/v2/bot/message/push")
            .Should().Contain(r => r.Json.GetProperty("messages")[0].GetProperty("text").GetString() == "本日発送します。", "LINE gets the translation");
        var channelRow = await world.App.Services.GetRequiredService<ITableStore>().GetAsync(Core.Channels.ChannelTables.Channels, Core.Channels.ChannelTables.ChannelPartition, Channel, default);
        channelRow!.Properties.Should().NotContainKey("TranslatorKey", "local mode keeps the key in configuration, never in the tables");
        channelRow.Properties.Values.OfType<string>().Should().NotContain(FakeTranslator.AzureKey);
    }

    [Fact]
    public async Task DeepL_translates_both_ways_keeps_marked_text_and_removes_the_markers_when_told()
    {
        await using var world = await StartAsync("deepl", new() { ["TranslationRemoveMarkers"] = "true" });
        var id = EnquiryIds.For(Channel, User(2), "01TRANSLATE0000000000002");

        await world.PostWebhookAsync(Text(User(2), "01TRANSLATE0000000000002", "注文番号は**A-1**"));
        var accepted = await ReplyAsync(world, id, "Your order **A-1** has shipped.");

        var received = Events(world).Should().ContainSingle().Subject;
        TextOf(received).Should().Be("My order number isA-1", "the marked text is kept, and the markers are removed");
        received.Translation!.OriginalText.Should().Be("注文番号は**A-1**");
        received.Translation.SourceLanguage.Should().Be("ja");
        Texts(world.Outbound().Last()).Should().Equal("ご注文 A-1 は発送済みです。");
        accepted.Translation!.TargetLanguage.Should().Be("ja");
        var toUser = JsonDocument.Parse(_translator.Requests[^1].Body).RootElement;
        toUser.GetProperty("target_lang").GetString().Should().Be("JA");
        toUser.GetProperty("source_lang").GetString().Should().Be("EN");
        toUser.GetProperty("tag_handling").GetString().Should().Be("xml");
        _translator.Requests.Should().OnlyContain(r => r.Headers["Authorization"] == "DeepL-Auth-Key " + FakeTranslator.DeepLKey);
    }

    [Fact]
    public async Task Markers_are_kept_by_default_and_textV2_placeholders_are_never_translated()
    {
        await using var world = await StartAsync();
        var id = EnquiryIds.For(Channel, User(3), "01TRANSLATE0000000000003");
        await world.PostWebhookAsync(Text(User(3), "01TRANSLATE0000000000003", "こんにちは"));

        await ReplyAsync(world, id, "Your order **A-1** has shipped.");
        Texts(world.Outbound().Last()).Should().Equal("ご注文 **A-1** は発送済みです。");

        var response = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/messages", DeskSecret,
            """{"staff":{"id":"aiko"},"messages":[{"type":"textV2","text":"Thank you, {user}","substitution":{"user":{"type":"mention","mentionee":{"type":"user","userId":"U00000000000000000000000000000003"}}}}]}""");
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        await world.IdleAsync();
        Texts(world.Outbound().Last()).Should().Equal("ありがとうございます、{user}");
        JsonDocument.Parse(_translator.Requests[^1].Body).RootElement[0].GetProperty("Text").GetString().Should().Be("Thank you, <span class=\"notranslate\">{user}</span>");
    }

    [Fact]
    public async Task The_users_language_is_the_most_frequent_of_their_recent_inputs_or_the_one_set_for_the_enquiry()
    {
        await using var world = await StartAsync(more: new() { ["TranslationDetectionInputs"] = "3" });
        var id = EnquiryIds.For(Channel, User(4), "01TRANSLATE0000000000004");
        foreach (var (n, language) in new[] { (4, "ja"), (5, "fr"), (6, "fr") })
        {
            _translator.Detected = language;
            await world.PostWebhookAsync(Text(User(4), $"01TRANSLATE000000000000{n}", "Bonjour"));
        }

        await ReplyAsync(world, id, "It ships today.");
        _translator.Requests[^1].PathAndQuery.Should().Be("/translate?api-version=3.0&to=fr&from=en", "fr twice out of the last three");

        var set = await world.CallAsync(HttpMethod.Put, $"/api/enquiries/{id}/language", DeskSecret, """{"language":"de"}""");
        set.StatusCode.Should().Be(HttpStatusCode.OK, await set.Content.ReadAsStringAsync());
        var resource = (await set.Content.ReadFromJsonAsync(TranslationApiJsonContext.Default.EnquiryLanguageResource))!;
        (resource.UserLanguage, resource.Chosen, resource.StaffLanguage).Should().Be(("de", "de", "en"));
        resource.Detected.Should().Equal("ja", "fr", "fr");
        await ReplyAsync(world, id, "It ships today.");
        _translator.Requests[^1].PathAndQuery.Should().Be("/translate?api-version=3.0&to=de&from=en");

        _translator.Detected = "ja";
        await world.PostWebhookAsync(Text(User(4), "01TRANSLATE0000000000007", "こんにちは"));
        _translator.Requests[^1].PathAndQuery.Should().Be("/translate?api-version=3.0&to=en&from=de", "the language set for the enquiry is the user's");

        var cleared = await world.Client.PutAsync($"/api/manage/enquiries/{id}/language", JsonContent.Create(new EnquiryLanguageRequest("auto"), TranslationApiJsonContext.Default.EnquiryLanguageRequest));
        cleared.StatusCode.Should().Be(HttpStatusCode.OK, await cleared.Content.ReadAsStringAsync());
        var back = (await cleared.Content.ReadFromJsonAsync(TranslationApiJsonContext.Default.EnquiryLanguageResource))!;
        (back.UserLanguage, back.Chosen).Should().Be(("fr", (string?)null), "detected again: fr, fr out of the last three (the last text was not detected: its language was given)");
    }

    [Fact]
    public async Task The_language_routes_check_the_bearer_and_the_code()
    {
        await using var world = await StartAsync();
        var id = EnquiryIds.For(Channel, User(8), "01TRANSLATE0000000000008");
        await world.PostWebhookAsync(Text(User(8), "01TRANSLATE0000000000008", "こんにちは"));

        (await world.CallAsync(HttpMethod.Put, $"/api/enquiries/{id}/language", null, """{"language":"de"}""")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await world.CallAsync(HttpMethod.Put, $"/api/enquiries/{id}/language", "not-the-secret", """{"language":"de"}""")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var bad = await world.CallAsync(HttpMethod.Put, $"/api/enquiries/{id}/language", DeskSecret, """{"language":"german!"}""");
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").GetProperty("language")[0].GetString()
            .Should().StartWith("auto (or null) for the channel's setting, or a language code");
        (await world.Client.PutAsync($"/api/manage/enquiries/{Channel}~nothing/language", JsonContent.Create(new EnquiryLanguageRequest("de"), TranslationApiJsonContext.Default.EnquiryLanguageRequest)))
            .StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(500, """{"error":{"code":500000,"message":"An unexpected error occurred."}}""", "500000")]
    [InlineData(401, """{"error":{"code":401000,"message":"The request is not authorized because credentials are missing or invalid."}}""", "401000")]
    [InlineData(429, """{"error":{"code":429000,"message":"The server rejected the request because the client has exceeded request limits."}}""", "429000")]
    public async Task A_failing_provider_lets_both_directions_through_untranslated_flagged_recorded_and_counted(int status, string body, string code)
    {
        using var failures = new FailureCounter();
        await using var world = await StartAsync(more: new() { ["TranslationUserLanguage"] = "ja" });
        var id = EnquiryIds.For(Channel, User(9), "01TRANSLATE0000000000009");
        _translator.Failure = (status, body);

        await world.PostWebhookAsync(Text(User(9), "01TRANSLATE0000000000009", "こんにちは"));
        var accepted = await ReplyAsync(world, id, "It ships today.");

        var received = Events(world).Should().ContainSingle().Subject;
        TextOf(received).Should().Be("こんにちは", "the desk gets the user's text as written");
        received.Translation!.Failed.Should().BeTrue();
        (received.Translation.ProviderStatus, received.Translation.ProviderErrorCode, received.Translation.OriginalText).Should().Be((status, code, "こんにちは"));
        Texts(world.Outbound().Last()).Should().Equal("It ships today.");
        accepted.Translation!.Failed.Should().BeTrue();
        (accepted.Translation.ProviderStatus, accepted.Translation.ProviderErrorCode).Should().Be((status, code));
        accepted.Note.Should().Contain($"The reply was not translated: Azure AI Translator answered {status} (error {code})");

        var records = await world.RowsAsync(EnquiryWorld.Events);
        records.Should().Contain(r => (string)r.Properties[EnquiryProperties.Outcome]! == InboundProcessor.Opened
            && ((string)r.Properties[EnquiryProperties.Detail]!).Contains($"The user's text was not translated for desk: Azure AI Translator answered {status} (error {code})", StringComparison.Ordinal));
        var failed = records.Should().ContainSingle(r => (string)r.Properties[EnquiryProperties.Outcome]! == EnquiryService.TranslationFailed).Subject;
        failed.Properties[EnquiryProperties.EventType].Should().Be("reply");
        failed.Properties[EnquiryProperties.EnquiryId].Should().Be(id);
        var report = await world.EventuallyAsync(() => world.Received("desk").Select(r => r.Message).FirstOrDefault(m => m.Kind == "delivery" && m.Delivery!.OutboundId == accepted.OutboundId), "the delivery report");
        report.Delivery!.Status.Should().Be("delivered");
        report.Delivery.TranslationFailure.Should().StartWith($"The reply was not translated: Azure AI Translator answered {status} (error {code})");
        failures.Count(Channel, TranslationStage.ToStaff, status).Should().BeGreaterThanOrEqualTo(1);
        failures.Count(Channel, TranslationStage.ToUser, status).Should().BeGreaterThanOrEqualTo(1);
        world.App.Logs.AllText.Should().NotContain(FakeTranslator.AzureKey);
        records.Should().NotContain(r => r.Properties.Values.OfType<string>().Any(v => v.Contains(FakeTranslator.AzureKey, StringComparison.Ordinal)));
        world.Destinations.Requests.Should().NotContain(r => r.BodyText.Contains(FakeTranslator.AzureKey, StringComparison.Ordinal));
        (await ReplyBodyAsync(world, id)).Should().NotContain(FakeTranslator.AzureKey);
    }

    [Fact]
    public async Task A_provider_that_does_not_answer_in_time_holds_nothing_back_beyond_the_timeout()
    {
        await using var world = await StartAsync(more: new() { ["TranslationTimeoutMilliseconds"] = "300", ["TranslationUserLanguage"] = "ja" });
        var id = EnquiryIds.For(Channel, User(10), "01TRANSLATE0000000000010");
        _translator.Delay = TimeSpan.FromSeconds(20);
        var clock = Stopwatch.StartNew();

        await world.PostWebhookAsync(Text(User(10), "01TRANSLATE0000000000010", "こんにちは"));
        var accepted = await ReplyAsync(world, id, "It ships today.");

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "two calls of at most 300 ms each, not the provider's 20 s");
        var received = Events(world).Should().ContainSingle().Subject;
        TextOf(received).Should().Be("こんにちは");
        (received.Translation!.Failed, received.Translation.ProviderStatus, received.Translation.ProviderErrorCode).Should().Be((true, 0, "timeout"));
        Texts(world.Outbound().Last()).Should().Equal("It ships today.");
        accepted.Translation!.Reason.Should().Be("azure-translator did not answer within 300 ms.");
    }

    [Fact]
    public async Task A_channel_without_a_key_delivers_untranslated_and_says_where_to_set_it()
    {
        await using var world = await StartAsync(more: new() { ["TranslatorKey"] = "" });

        await world.PostWebhookAsync(Text(User(11), "01TRANSLATE0000000000011", "こんにちは"));

        var received = Events(world).Should().ContainSingle().Subject;
        TextOf(received).Should().Be("こんにちは");
        received.Translation!.Reason.Should().Be($"Channel '{Channel}' has no translator key: set Channels__{Channel}__TranslatorKey.");
        _translator.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_masked_channel_records_the_failure_without_the_users_text()
    {
        await using var world = await StartAsync(more: new() { ["MaskSensitiveLogging"] = "true", ["TranslationUserLanguage"] = "ja" });
        var id = EnquiryIds.For(Channel, User(12), "01TRANSLATE0000000000012");
        _translator.Failure = (503, """{"error":{"code":503000,"message":"Service is temporarily unavailable."}}""");

        await world.PostWebhookAsync(Text(User(12), "01TRANSLATE0000000000012", "こんにちは"));
        await ReplyAsync(world, id, "It ships today.");

        var records = await world.RowsAsync(EnquiryWorld.Events);
        records.Should().HaveCount(2);
        records.Select(r => (string)r.Properties[EnquiryProperties.Detail]!).Should().NotContain(v => v.Contains("こんにちは", StringComparison.Ordinal) || v.Contains("It ships today.", StringComparison.Ordinal) || v.Contains(User(12), StringComparison.Ordinal));
        records.Should().ContainSingle(r => (string)r.Properties[EnquiryProperties.Outcome]! == EnquiryService.TranslationFailed)
            .Which.Properties[EnquiryProperties.Detail].Should().BeOfType<string>().Which.Should().Contain("answered 503 (error 503000)");
        world.App.Logs.AllText.Should().NotContain("こんにちは").And.NotContain("It ships today.");
    }

    [Fact]
    public async Task A_bot_destination_gets_the_users_text_untranslated()
    {
        await using var world = await StartAsync(more: new() { ["Destinations:desk:Kind"] = "bot" });

        await world.PostWebhookAsync(Text(User(13), "01TRANSLATE0000000000013", "こんにちは"));

        var received = Events(world).Should().ContainSingle().Subject;
        TextOf(received).Should().Be("こんにちは");
        received.Translation.Should().BeNull();
        _translator.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Line_connector_enquiries_language_sets_and_clears_the_users_language()
    {
        await using var world = await StartAsync();
        var id = EnquiryIds.For(Channel, User(14), "01TRANSLATE0000000000014");
        await world.PostWebhookAsync(Text(User(14), "01TRANSLATE0000000000014", "こんにちは"));
        var root = new System.CommandLine.RootCommand { LineConnector.Cli.EnquiryCommands.Create(() => world.App.Server.CreateHandler()) };

        async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var exit = await root.Parse([.. args, "--url", "http://localhost"]).InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
            return (exit, output.ToString(), error.ToString());
        }

        var set = await RunAsync("enquiries", "language", id, "ko");
        set.Error.Should().BeEmpty();
        set.Exit.Should().Be(0);
        set.Output.Should().Be($"enquiry {id}: replies are translated into ko (set for the enquiry){Environment.NewLine}detected: ja; staff language: en{Environment.NewLine}");
        var cleared = await RunAsync("enquiries", "language", id, "auto");
        cleared.Output.Should().StartWith($"enquiry {id}: replies are translated into ja (the channel's setting)");
        var wrong = await RunAsync("enquiries", "language", id, "korean!");
        wrong.Exit.Should().Be(1);
        wrong.Error.Should().Contain("HTTP 400").And.Contain("language");
    }

    private static async Task<string> ReplyBodyAsync(EnquiryWorld world, string id)
    {
        var response = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/messages", DeskSecret, Reply("It ships today."));
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Counts <see cref="ConnectorMetrics.TranslationFailuresName"/> as it is recorded.</summary>
    private sealed class FailureCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string? Channel, string? Direction, int? Status)> _seen = [];

        public FailureCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ConnectorTelemetry.Name && instrument.Name == ConnectorMetrics.TranslationFailuresName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                string? channel = null, direction = null;
                int? status = null;
                foreach (var tag in tags)
                {
                    switch (tag.Key)
                    {
                        case ConnectorTelemetry.ChannelAttribute: channel = tag.Value as string; break;
                        case ConnectorTelemetry.TranslationDirectionAttribute: direction = tag.Value as string; break;
                        case ConnectorTelemetry.TranslationStatusAttribute: status = tag.Value as int?; break;
                    }
                }

                lock (_seen)
                {
                    _seen.Add((channel, direction, status));
                }
            });
            _listener.Start();
        }

        public int Count(string channel, string direction, int status)
        {
            lock (_seen)
            {
                return _seen.Count(s => s.Channel == channel && s.Direction == direction && s.Status == status);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
