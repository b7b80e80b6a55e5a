namespace LineConnector.Core.Line.Api;

/// <summary><c>GET /v2/bot/info</c>: the LINE Official Account behind a channel.</summary>
/// <param name="UserId">The bot's user id: the webhook's <c>destination</c>, unique across channels.</param>
/// <param name="ChatMode"><c>chat</c> or <c>bot</c>.</param>
/// <param name="MarkAsReadMode"><c>auto</c> or <c>manual</c>.</param>
public sealed record BotInfo(
    string UserId,
    string BasicId,
    string DisplayName,
    string ChatMode,
    string MarkAsReadMode,
    string? PremiumId = null,
    string? PictureUrl = null);
