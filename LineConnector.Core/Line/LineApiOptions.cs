namespace LineConnector.Core.Line;

/// <summary>Where the LINE APIs are (section <c>Line</c>); tests and proxies point them elsewhere.</summary>
public sealed class LineApiOptions
{
    public const string Section = "Line";

    /// <summary>Messaging API: reply, push, bot info, profiles, quota, tokens.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://api.line.me/");

    /// <summary>Content API: users' images, video and audio.</summary>
    public Uri DataApiBaseUrl { get; set; } = new("https://api-data.line.me/");
}
