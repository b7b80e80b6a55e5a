using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LineConnector.Cli;

/// <summary>
/// What every admin API command shares: the <c>--url</c>/<c>--key</c> options (defaults
/// <c>LINE_CONNECTOR_URL</c>/<c>LINE_CONNECTOR_KEY</c>), <c>--json</c>, sending the request and
/// reporting a missing URL, an unreachable app or a problem answer.
/// </summary>
internal sealed class ManageApiContext
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly Func<HttpMessageHandler>? _handler;

    /// <param name="jsonDescription">What <c>--json</c> prints instead of.</param>
    /// <param name="handler">The HTTP handler to reach the API with (tests pass the app's own); null: the network.</param>
    public ManageApiContext(string jsonDescription, Func<HttpMessageHandler>? handler)
    {
        Url = new Option<string?>("--url") { Description = $"The function app, e.g. https://contoso-line.azurewebsites.net (default: environment {ManageApiClient.UrlVariable}).", Recursive = true };
        Key = new Option<string?>("--key") { Description = $"A function key of the app (default: environment {ManageApiClient.KeyVariable}); not needed in local mode.", Recursive = true };
        Json = new Option<bool>("--json") { Description = $"Print the API's JSON instead of {jsonDescription}.", Recursive = true };
        _handler = handler;
    }

    public Option<string?> Url { get; }

    public Option<string?> Key { get; }

    public Option<bool> Json { get; }

    /// <summary>The answer, or null after writing why there is none (no URL, app not reachable).</summary>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>, when given.</param>
    public async Task<ManageApiClient.Answer?> SendAsync(ParseResult parse, HttpMethod method, string path, string? body, string? ifMatch, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        var baseUrl = parse.GetValue(Url) ?? Environment.GetEnvironmentVariable(ManageApiClient.UrlVariable);
        if (string.IsNullOrEmpty(baseUrl) || !Uri.TryCreate(baseUrl.TrimEnd('/') + "/", UriKind.Absolute, out var root))
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"error: no admin API URL: pass --url or set {ManageApiClient.UrlVariable} (e.g. http://localhost:7071).");
            return null;
        }

        using var http = _handler is null ? new HttpClient() : new HttpClient(_handler());
        var client = new ManageApiClient(http, root, parse.GetValue(Key) ?? Environment.GetEnvironmentVariable(ManageApiClient.KeyVariable));
        try
        {
            return await client.SendAsync(method, path, body, ifMatch, cancellationToken, idempotencyKey);
        }
        catch (HttpRequestException e)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"error: cannot reach {root}: {e.Message}");
            return null;
        }
    }

    /// <summary>Sends the request and prints the answer (the API's JSON with <c>--json</c>); exit code 0, 1 (problem answer) or 2 (no answer).</summary>
    public async Task<int> RunAsync(ParseResult parse, HttpMethod method, string path, string? body, string? ifMatch, Action<TextWriter, string> print, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(parse, method, path, body, ifMatch, cancellationToken);
        if (answer is null)
        {
            return 2;
        }

        if (!answer.IsSuccess)
        {
            return Fail(parse, answer);
        }

        if (parse.GetValue(Json))
        {
            await parse.InvocationConfiguration.Output.WriteLineAsync(JsonNode.Parse(answer.Body)!.ToJsonString(Indented));
        }
        else
        {
            print(parse.InvocationConfiguration.Output, answer.Body);
        }

        return 0;
    }

    /// <summary>Writes the problem answer for a person; exit code 1.</summary>
    public static int Fail(ParseResult parse, ManageApiClient.Answer answer)
    {
        foreach (var line in ManageApiClient.DescribeProblem(answer))
        {
            parse.InvocationConfiguration.Error.WriteLine(line);
        }

        return 1;
    }
}
