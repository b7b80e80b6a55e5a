namespace LineConnector.Functions.Playground;

/// <summary>
/// Local mode's playground: where the app itself listens (the playground posts its signed webhooks
/// there, and the stand-in for LINE's API is served there), and whether LINE's API is the stand-in.
/// The stand-in is used when <c>Line__ApiBaseUrl</c> is left empty and no channel in configuration has a
/// channel access token (<see cref="Configure"/>): a fresh clone talks to the playground, never to LINE.
/// </summary>
public sealed class PlaygroundOptions
{
    public const string Route = "/playground";
    public const string LineRoute = Route + "/line";

    public required Uri SelfUrl { get; init; }

    /// <summary>Whether LINE's API (and content API) is the stand-in at <see cref="LineRoute"/>.</summary>
    public required bool LineStandIn { get; init; }

    public Uri LineBaseUrl => new(SelfUrl, LineRoute.TrimStart('/') + "/");

    /// <summary>
    /// Decides both from configuration (local mode only, before anything reads section <c>Line</c>):
    /// the app's first URL (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, else <paramref name="defaultUrl"/>) with a
    /// wildcard host read as localhost, and the stand-in as said above; with it, both LINE base URLs are set to it.
    /// </summary>
    public static PlaygroundOptions Configure(IConfiguration configuration, string defaultUrl)
    {
        var urls = configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } given ? given : defaultUrl;
        var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        var self = new UriBuilder(first.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (self.Host is "0.0.0.0" or "[::]" or "::")
        {
            self.Host = "localhost";
        }

        self.Path = "/";
        var tokenConfigured = configuration.GetSection(Channels.LocalChannelSeeder.Section).GetChildren()
            .Any(c => !string.IsNullOrEmpty(c[Channels.ConfiguredChannelSecrets.AccessTokenKey]));
        var options = new PlaygroundOptions
        {
            SelfUrl = self.Uri,
            LineStandIn = string.IsNullOrEmpty(configuration["Line:ApiBaseUrl"]) && !tokenConfigured,
        };
        if (options.LineStandIn)
        {
            configuration["Line:ApiBaseUrl"] = options.LineBaseUrl.ToString();
            configuration["Line:DataApiBaseUrl"] = options.LineBaseUrl.ToString();
        }
        else if (string.IsNullOrEmpty(configuration["Line:ApiBaseUrl"]))
        {
            // Left empty with a token configured: LINE itself (the options' defaults).
            configuration["Line:ApiBaseUrl"] = null;
            configuration["Line:DataApiBaseUrl"] = null;
        }

        return options;
    }
}
