using System.Text.Json;
using System.Text.Json.Serialization;

namespace LineConnector.Core.Channels;

/// <summary>Body of <c>POST /api/manage/channels</c>.</summary>
public sealed record ChannelCreateRequest(string? Id, ChannelSettings? Settings, ChannelCredentialsRequest? Credentials);

/// <summary>
/// Body of <c>PUT /api/manage/channels/{id}/credentials</c> (and part of a create): the LINE
/// channel's credentials. Never logged, never returned.
/// </summary>
/// <param name="LineChannelId">The LINE channel id; needed unless a long-lived token is given.</param>
/// <param name="ChannelAccessToken">A long-lived channel access token; leave it out to mint stateless tokens.</param>
public sealed record ChannelCredentialsRequest(string? LineChannelId, string? ChannelSecret, string? ChannelAccessToken)
{
    public override string ToString() => $"ChannelCredentialsRequest {{ LineChannelId = {LineChannelId}, ChannelSecret = {(ChannelSecret is null ? "none" : "set")}, ChannelAccessToken = {(ChannelAccessToken is null ? "none" : "set")} }}";
}

/// <summary>A channel as the admin API shows it. Its credentials are never part of it.</summary>
public sealed record ChannelResource(string Id, ChannelStatus Status, string? LineChannelId, string? BotUserId, string ETag, ChannelSettings Settings)
{
    public static ChannelResource From(StoredChannel stored) =>
        new(stored.Channel.Id, stored.Channel.Status, stored.Channel.LineChannelId, stored.Channel.BotUserId, stored.ETag, stored.Channel.Settings);
}

/// <summary>Answer of <c>GET /api/manage/channels</c>.</summary>
public sealed record ChannelListResource(IReadOnlyList<ChannelSummary> Channels, IReadOnlyList<UnreadableChannel> Unreadable);

/// <summary>A channel whose stored row cannot be read, with every problem to fix.</summary>
public sealed record UnreadableChannel(string Id, IReadOnlyList<string> Problems);

[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChannelCreateRequest))]
[JsonSerializable(typeof(ChannelCredentialsRequest))]
[JsonSerializable(typeof(ChannelSettings))]
[JsonSerializable(typeof(ChannelResource))]
[JsonSerializable(typeof(ChannelListResource))]
public sealed partial class ChannelJsonContext : JsonSerializerContext;
