using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LineConnector.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace LineConnector.Tests.Translation;

/// <summary>
/// A local Azure AI Translator (v3 <c>POST /translate</c>) and DeepL (<c>POST /v2/translate</c>) on one Kestrel server,
/// speaking each one's wire format. It "translates" by <see cref="Phrases"/> (a text it does not know becomes
/// <c>[to] text</c>), leaves the content of no-translate elements alone, detects <see cref="Detected"/>, checks the
/// key, and fails or stalls on demand.
/// </summary>
public sealed class FakeTranslator : IAsyncDisposable
{
    public const string AzureKey = "azure-translator-key-4c1f9e7d";
    public const string DeepLKey = "deepl-key-8b2a61f0:fx";

    private FakeTranslator()
    {
    }

    public TestHttpServer Server { get; private set; } = null!;

    public Uri BaseAddress => Server.BaseAddress;

    /// <summary>What the fake translates, in both directions as given.</summary>
    public Dictionary<string, string> Phrases { get; } = new(StringComparer.Ordinal)
    {
        ["こんにちは"] = "Hello",
        ["注文番号は"] = "My order number is",
        ["It ships today."] = "本日発送します。",
        ["Your order "] = "ご注文 ",
        [" has shipped."] = " は発送済みです。",
        ["Thank you, "] = "ありがとうございます、",
        ["Bonjour"] = "Hello",
    };

    /// <summary>The language the fake detects in every text (Azure's spelling; DeepL gets it upper case).</summary>
    public string Detected { get; set; } = "ja";

    /// <summary>Set: every call answers this status and body.</summary>
    public (int Status, string Body)? Failure { get; set; }

    /// <summary>Set: every call waits this long before answering.</summary>
    public TimeSpan? Delay { get; set; }

    public static async Task<FakeTranslator> StartAsync()
    {
        var fake = new FakeTranslator();
        fake.Server = await TestHttpServer.StartAsync(fake.RespondAsync);
        return fake;
    }

    public IReadOnlyList<RecordedRequest> Requests => [.. Server.Requests];

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private async Task RespondAsync(RecordedRequest request, HttpContext context)
    {
        if (Delay is { } delay)
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (Failure is { } failure)
        {
            await WriteAsync(context, failure.Status, failure.Body);
            return;
        }

        var path = request.PathAndQuery.Split('?')[0];
        if (request.Method == "POST" && path.EndsWith("/v2/translate", StringComparison.Ordinal))
        {
            await DeepLAsync(request, context);
        }
        else if (request.Method == "POST" && path.EndsWith("/translate", StringComparison.Ordinal))
        {
            await AzureAsync(request, context);
        }
        else
        {
            await WriteAsync(context, 404, "{}");
        }
    }

    private async Task AzureAsync(RecordedRequest request, HttpContext context)
    {
        var query = context.Request.Query;
        var signed = request.Headers.TryGetValue("Ocp-Apim-Subscription-Key", out var key) ? key == AzureKey : request.Headers.ContainsKey("Authorization");
        if (!signed)
        {
            await WriteAsync(context, 401, """{"error":{"code":401000,"message":"The request is not authorized because credentials are missing or invalid."}}""");
            return;
        }

        if (query["api-version"] != "3.0" || string.IsNullOrEmpty(query["to"]) || request.Headers.GetValueOrDefault("Content-Type")?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            await WriteAsync(context, 400, """{"error":{"code":400000,"message":"One of the request inputs is not valid."}}""");
            return;
        }

        var to = query["to"].ToString();
        var html = query["textType"] == "html";
        var results = new JsonArray();
        foreach (var item in JsonNode.Parse(request.Body)!.AsArray())
        {
            var text = item!["Text"]!.GetValue<string>();
            var result = new JsonObject { ["translations"] = new JsonArray(new JsonObject { ["text"] = Translate(text, to, html ? ("<span class=\"notranslate\">", "</span>") : null), ["to"] = to }) };
            if (string.IsNullOrEmpty(query["from"]))
            {
                result["detectedLanguage"] = new JsonObject { ["language"] = Detected, ["score"] = 1.0 };
            }

            results.Add(result);
        }

        await WriteAsync(context, 200, results.ToJsonString());
    }

    private async Task DeepLAsync(RecordedRequest request, HttpContext context)
    {
        if (request.Headers.GetValueOrDefault("Authorization") != "DeepL-Auth-Key " + DeepLKey)
        {
            await WriteAsync(context, 403, """{"message":"Wrong endpoint. Use https://api.deepl.com"}""");
            return;
        }

        var body = JsonNode.Parse(request.Body)!;
        var to = body["target_lang"]?.GetValue<string>();
        if (to is null || body["text"] is not JsonArray texts)
        {
            await WriteAsync(context, 400, """{"message":"Value for 'target_lang' not supported."}""");
            return;
        }

        var xml = body["tag_handling"]?.GetValue<string>() == "xml";
        var ignored = body["ignore_tags"]?.AsArray().Select(t => t!.GetValue<string>()).ToList() ?? [];
        var tag = xml && ignored.Count > 0 ? ignored[0] : null;
        var translations = new JsonArray();
        foreach (var text in texts)
        {
            translations.Add(new JsonObject
            {
                ["detected_source_language"] = body["source_lang"]?.GetValue<string>() ?? Detected.ToUpperInvariant(),
                ["text"] = Translate(text!.GetValue<string>(), to, tag is null ? null : ($"<{tag}>", $"</{tag}>")),
            });
        }

        await WriteAsync(context, 200, new JsonObject { ["translations"] = translations }.ToJsonString());
    }

    /// <summary>Each stretch outside the no-translate elements by <see cref="Phrases"/>; the elements as they are.</summary>
    private string Translate(string text, string to, (string Open, string Close)? keep)
    {
        if (keep is not { } tags)
        {
            return Phrase(text, to);
        }

        var result = new StringBuilder();
        var at = 0;
        while (true)
        {
            var open = text.IndexOf(tags.Open, at, StringComparison.Ordinal);
            var close = open < 0 ? -1 : text.IndexOf(tags.Close, open, StringComparison.Ordinal);
            if (close < 0)
            {
                result.Append(Phrase(text[at..], to));
                return result.ToString();
            }

            result.Append(Phrase(text[at..open], to)).Append(text, open, close + tags.Close.Length - open);
            at = close + tags.Close.Length;
        }
    }

    private string Phrase(string text, string to) =>
        text.Length == 0 ? text : Phrases.TryGetValue(text, out var known) ? known : $"[{to}] {text}";

    private static async Task WriteAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body, Encoding.UTF8);
    }
}
