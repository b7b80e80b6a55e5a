using System.Text.Json;
using LineConnector.Core.Translation;

namespace LineConnector.Tests.Translation;

/// <summary>The two providers' clients against the local fake: what goes on the wire, what comes back, and their errors.</summary>
public sealed class TranslatorClientTests : IAsyncLifetime
{
    private FakeTranslator _fake = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _fake = await FakeTranslator.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _fake.DisposeAsync();
    }

    private AzureTranslatorClient Azure(string key = FakeTranslator.AzureKey, string? region = "japaneast") =>
        new(_http, new AzureTranslatorClientOptions(_fake.BaseAddress, TranslatorCredential.FromKey(key), region));

    private DeepLClient DeepL(string key = FakeTranslator.DeepLKey) => new(_http, new DeepLClientOptions(key, _fake.BaseAddress));

    private static MarkedText Plain(string text) => MarkedText.Parse(text, "**");

    [Fact]
    public async Task Azure_posts_translate_v3_with_the_key_and_region_and_reads_the_translation_and_detected_language()
    {
        var result = await Azure().TranslateAsync([Plain("こんにちは")], "en", null, CancellationToken.None);

        result.Should().ContainSingle();
        result[0].Text.Join("**", removeMarkers: false).Should().Be("Hello");
        result[0].DetectedLanguage.Should().Be("ja");
        var request = _fake.Requests.Should().ContainSingle().Subject;
        request.Method.Should().Be("POST");
        request.PathAndQuery.Should().Be("/translate?api-version=3.0&to=en");
        request.Headers["Ocp-Apim-Subscription-Key"].Should().Be(FakeTranslator.AzureKey);
        request.Headers["Ocp-Apim-Subscription-Region"].Should().Be("japaneast");
        request.Headers.Should().NotContainKey("Authorization");
        request.BodyText.Should().Be("""[{"Text":"こんにちは"}]""".Replace("こんにちは", "\\u3053\\u3093\\u306B\\u3061\\u306F", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Azure_sends_kept_text_in_a_notranslate_span_as_html_escaped_and_gives_it_back_exactly()
    {
        var text = MarkedText.Parse("注文番号は**A<1>&B**", "**");

        var result = await Azure().TranslateAsync([text], "en", "ja", CancellationToken.None);

        var request = _fake.Requests.Should().ContainSingle().Subject;
        request.PathAndQuery.Should().Be("/translate?api-version=3.0&to=en&from=ja&textType=html");
        JsonDocument.Parse(request.Body).RootElement[0].GetProperty("Text").GetString().Should().Be("注文番号は<span class=\"notranslate\">A&lt;1&gt;&amp;B</span>");
        result[0].Text.Join("**", removeMarkers: false).Should().Be("My order number is**A<1>&B**");
        result[0].Text.Join("**", removeMarkers: true).Should().Be("My order number isA<1>&B");
        result[0].DetectedLanguage.Should().BeNull("the source language was given");
    }

    [Fact]
    public async Task Azure_with_the_managed_identity_sends_a_bearer_token_for_cognitive_services_with_the_resource_id_and_region()
    {
        var tokens = new FixedAccessTokens("entra-token-123");
        var client = new AzureTranslatorClient(_http, new AzureTranslatorClientOptions(
            _fake.BaseAddress, TranslatorCredential.FromTokens(tokens), "japaneast", "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/tr"));

        await client.TranslateAsync([Plain("こんにちは")], "en", null, CancellationToken.None);

        tokens.Scopes.Should().Equal("https://cognitiveservices.azure.com/.default");
        var request = _fake.Requests.Should().ContainSingle().Subject;
        request.Headers["Authorization"].Should().Be("Bearer entra-token-123");
        request.Headers["Ocp-Apim-ResourceId"].Should().Be("/subscriptions/0000/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/tr");
        request.Headers["Ocp-Apim-Subscription-Region"].Should().Be("japaneast");
        request.Headers.Should().NotContainKey("Ocp-Apim-Subscription-Key");
    }

    [Fact]
    public async Task An_Azure_error_carries_the_status_and_the_providers_code_and_never_the_key()
    {
        var act = () => Azure(key: "wrong-key-ffff").TranslateAsync([Plain("こんにちは")], "en", null, CancellationToken.None);

        var error = (await act.Should().ThrowAsync<TranslationException>()).Which;
        error.Provider.Should().Be("azure-translator");
        error.Status.Should().Be(401);
        error.ErrorCode.Should().Be("401000");
        error.Message.Should().Be("Azure AI Translator answered 401 (error 401000): The request is not authorized because credentials are missing or invalid.");
        error.ToString().Should().NotContain("wrong-key-ffff");
    }

    [Fact]
    public async Task An_unreachable_provider_is_status_0()
    {
        var closed = new Uri("http://127.0.0.1:1/");
        var client = new AzureTranslatorClient(_http, new AzureTranslatorClientOptions(closed, TranslatorCredential.FromKey("k")));

        var error = (await client.Invoking(c => c.TranslateAsync([Plain("x")], "en", null, CancellationToken.None)).Should().ThrowAsync<TranslationException>()).Which;

        error.Status.Should().Be(0);
        error.ErrorCode.Should().Be("unreachable");
    }

    [Fact]
    public async Task DeepL_posts_v2_translate_with_its_auth_header_and_target_language_and_reads_the_detected_source()
    {
        var result = await DeepL().TranslateAsync([Plain("こんにちは")], "en", null, CancellationToken.None);

        result[0].Text.Join("**", false).Should().Be("Hello");
        result[0].DetectedLanguage.Should().Be("ja");
        var request = _fake.Requests.Should().ContainSingle().Subject;
        request.PathAndQuery.Should().Be("/v2/translate");
        request.Headers["Authorization"].Should().Be("DeepL-Auth-Key " + FakeTranslator.DeepLKey);
        request.Headers["Content-Type"].Should().StartWith("application/json");
        var body = JsonDocument.Parse(request.Body).RootElement;
        body.GetProperty("text")[0].GetString().Should().Be("こんにちは");
        body.GetProperty("target_lang").GetString().Should().Be("EN-US", "DeepL wants a variant of English as target");
        body.TryGetProperty("source_lang", out _).Should().BeFalse();
        body.TryGetProperty("tag_handling", out _).Should().BeFalse("no text has kept pieces");
    }

    [Fact]
    public async Task DeepL_sends_kept_text_as_an_ignored_xml_tag_and_gives_it_back_exactly()
    {
        var result = await DeepL().TranslateAsync([MarkedText.Parse("Your order **#12 & <b>** has shipped.", "**")], "ja", "en", CancellationToken.None);

        var body = JsonDocument.Parse(_fake.Requests.Single().Body).RootElement;
        body.GetProperty("text")[0].GetString().Should().Be("Your order <x>#12 &amp; &lt;b&gt;</x> has shipped.");
        body.GetProperty("tag_handling").GetString().Should().Be("xml");
        body.GetProperty("ignore_tags").EnumerateArray().Select(t => t.GetString()).Should().Equal("x");
        body.GetProperty("source_lang").GetString().Should().Be("EN");
        body.GetProperty("target_lang").GetString().Should().Be("JA");
        result[0].Text.Join("**", removeMarkers: false).Should().Be("ご注文 **#12 & <b>** は発送済みです。");
    }

    [Theory]
    [InlineData(403, "forbidden")]
    [InlineData(429, "too-many-requests")]
    [InlineData(456, "quota-exceeded")]
    [InlineData(503, "unavailable")]
    public async Task A_DeepL_error_carries_the_status_and_a_code(int status, string code)
    {
        _fake.Failure = (status, """{"message":"Quota exceeded"}""");

        var error = (await DeepL().Invoking(c => c.TranslateAsync([Plain("x")], "en", null, CancellationToken.None)).Should().ThrowAsync<TranslationException>()).Which;

        error.Provider.Should().Be("deepl");
        error.Status.Should().Be(status);
        error.ErrorCode.Should().Be(code);
        error.Message.Should().StartWith($"DeepL answered {status}").And.EndWith(": Quota exceeded.").And.NotContain(FakeTranslator.DeepLKey);
    }

    [Fact]
    public void A_DeepL_free_key_goes_to_the_free_api_and_a_paid_key_to_the_paid_one_and_neither_shows_in_its_text()
    {
        var free = new DeepLClientOptions("abc:fx");
        var paid = new DeepLClientOptions("abc");

        free.BaseAddress.Should().Be(new Uri("https://api-free.deepl.com/"));
        paid.BaseAddress.Should().Be(new Uri("https://api.deepl.com/"));
        free.ToString().Should().NotContain("abc");
        TranslatorCredential.FromKey("secret-key").ToString().Should().NotContain("secret-key");
    }

    [Theory]
    [InlineData("en", "EN-US", "EN")]
    [InlineData("en-GB", "EN-GB", "EN")]
    [InlineData("pt", "PT-PT", "PT")]
    [InlineData("pt-BR", "PT-BR", "PT")]
    [InlineData("zh-Hans", "ZH-HANS", "ZH")]
    [InlineData("zh-Hant", "ZH-HANT", "ZH")]
    [InlineData("zh-TW", "ZH-HANT", "ZH")]
    [InlineData("ja", "JA", "JA")]
    [InlineData("de-AT", "DE", "DE")]
    public void Language_codes_map_to_DeepLs_deliberately(string code, string target, string source)
    {
        LanguageCode.DeepLTarget(code).Should().Be(target);
        LanguageCode.DeepLSource(code).Should().Be(source);
    }

    [Fact]
    public void Markers_cut_a_text_into_kept_and_translated_pieces_and_an_unpaired_marker_is_text()
    {
        var text = MarkedText.Parse("a **b** c **d", "**");

        text.Pieces.Should().Equal(new TextPiece("a ", false), new TextPiece("b", true), new TextPiece(" c **d", false));
        text.Join("**", removeMarkers: false).Should().Be("a **b** c **d");
        text.Join("**", removeMarkers: true).Should().Be("a b c **d");
        MarkedText.Parse("Hi {user}, **A1** {x}", "**").KeepPlaceholders().Join("**", removeMarkers: false).Should().Be("Hi {user}, **A1** {x}");
        MarkedText.Parse("Hi {user}", "**").KeepPlaceholders().Pieces.Should().Equal(new TextPiece("Hi ", false), new TextPiece("{user}", true, Placeholder: true));
    }
}
