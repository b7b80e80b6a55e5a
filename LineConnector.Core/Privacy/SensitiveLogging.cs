using LineConnector.Core.Channels;
using LineConnector.Core.Queueing;

namespace LineConnector.Core.Privacy;

/// <summary>
/// The one rule of what a channel's logs, telemetry and event records may say about its users: with
/// <see cref="DataProtectionSettings.MaskSensitiveLogging"/> on, LINE ids only as their keyed hash. A
/// channel that cannot be read is masked: when in doubt, say less.
/// </summary>
public sealed class SensitiveLogging(ChannelCache channels, UserIdHasher hasher)
{
    public UserIdHasher Hasher => hasher;

    public static bool Masks(Channel? channel) => channel is null || channel.Settings.DataProtection.MaskSensitiveLogging;

    /// <summary><paramref name="text"/> as the channel's logs may carry it.</summary>
    public string For(Channel? channel, string text) => Masks(channel) ? hasher.Mask(text) : text;

    /// <summary><paramref name="text"/> as the logs of channel <paramref name="channelId"/> may carry it (the channel read through the cache).</summary>
    public async Task<string> ForAsync(string? channelId, string text, CancellationToken cancellationToken)
    {
        Channel? channel = null;
        try
        {
            channel = channelId is null ? null : (await channels.GetAsync(channelId, cancellationToken))?.Channel;
        }
        catch (ChannelConfigurationException)
        {
            // Unreadable: masked.
        }

        return For(channel, text);
    }

    /// <summary>
    /// A queue session id (<see cref="ConversationSession"/>: it names the user) as its channel's logs may carry it;
    /// masked when the channel cannot be read for any reason, so that a log line about a failing store can still be written.
    /// </summary>
    public async Task<string> ForSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            return await ForAsync(ConversationSession.Parse(sessionId).ChannelId, sessionId, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return hasher.Mask(sessionId);
        }
    }
}
