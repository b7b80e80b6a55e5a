namespace LineConnector.Core.Line.Api;

/// <summary><c>GET /v2/bot/profile/{userId}</c>: a user who added the bot as a friend.</summary>
/// <param name="Language">BCP 47 tag; absent until the user consented to LINE's privacy policy.</param>
public sealed record UserProfile(string UserId, string DisplayName, string? PictureUrl = null, string? StatusMessage = null, string? Language = null);
