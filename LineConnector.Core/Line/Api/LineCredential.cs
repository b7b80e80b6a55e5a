namespace LineConnector.Core.Line.Api;

/// <summary>
/// What authenticates a channel's calls to LINE: a long-lived channel access token, or the LINE
/// channel id and channel secret that stateless tokens are minted with (<c>POST /oauth2/v3/token</c>).
/// Never logged: <see cref="ToString"/> says only which kind it is.
/// </summary>
public sealed class LineCredential
{
    private LineCredential(string? accessToken, string? lineChannelId, string? channelSecret)
    {
        AccessToken = accessToken;
        LineChannelId = lineChannelId;
        ChannelSecret = channelSecret;
    }

    /// <summary>The long-lived token; null when tokens are minted.</summary>
    public string? AccessToken { get; }

    /// <summary>The LINE channel id (<c>client_id</c>) to mint with; null with a long-lived token.</summary>
    public string? LineChannelId { get; }

    /// <summary>The channel secret (<c>client_secret</c>) to mint with; null with a long-lived token.</summary>
    public string? ChannelSecret { get; }

    /// <param name="accessToken">As stored; the client refuses an empty or malformed one when it is used.</param>
    public static LineCredential LongLived(string accessToken)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        return new LineCredential(accessToken, null, null);
    }

    public static LineCredential Stateless(string lineChannelId, string channelSecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(lineChannelId);
        ArgumentException.ThrowIfNullOrEmpty(channelSecret);
        return new LineCredential(null, lineChannelId, channelSecret);
    }

    public override string ToString() => AccessToken is null ? $"LineCredential {{ stateless, LineChannelId = {LineChannelId} }}" : "LineCredential { long-lived token }";
}

/// <summary>A stateless channel access token minted by LINE (15 minutes, cannot be revoked); never logged.</summary>
public sealed record StatelessToken(string AccessToken, TimeSpan ExpiresIn)
{
    public override string ToString() => $"StatelessToken {{ ExpiresIn = {ExpiresIn} }}";
}

/// <summary>
/// A channel's LINE credential by channel id (the secret store and the channel row behind it).
/// Throws <see cref="DomainException"/> when the channel is unknown, deleted or has no usable credential
/// (retrying does not help), and the store's own exception when it cannot be read now.
/// </summary>
public interface IChannelCredentials
{
    ValueTask<LineCredential> GetAsync(string channelId, CancellationToken cancellationToken);
}
