using P = LineConnector.Core.Channels.ChannelProperties;

namespace LineConnector.Core.Channels;

/// <summary>A channel's <see cref="SessionExpirySettings"/> as <c>Session*</c> properties of its <c>Channels</c> row.</summary>
internal static partial class ChannelEntities
{
    private static void AddSessionExpiry(Dictionary<string, object?> properties, SessionExpirySettings expiry)
    {
        properties[P.SessionIdleSeconds] = expiry.IdleSeconds;
        properties[P.SessionWarningSeconds] = expiry.WarningSeconds;
        properties[P.SessionWarningText] = expiry.WarningText;
    }

    private static SessionExpirySettings ReadSessionExpiry(RowReader r) => new()
    {
        // Left out: not set, so the app-wide Enquiries__AutoCloseAfter applies (how it carries over).
        IdleSeconds = r.OptionalInt(P.SessionIdleSeconds),
        WarningSeconds = r.Int(P.SessionWarningSeconds, 0) ?? 0,
        WarningText = r.Text(P.SessionWarningText, required: false),
    };
}
