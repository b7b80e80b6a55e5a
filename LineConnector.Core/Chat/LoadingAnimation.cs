using LineConnector.Core.Channels;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Line.Events;

namespace LineConnector.Core.Chat;

/// <summary>
/// LINE's loading animation (DESIGN §5, LINE's own features): while a bot destination prepares its answer,
/// the user sees it typing, for <see cref="LineExtrasSettings.LoadingAnimationSeconds"/> or until a message
/// reaches them (<c>POST /v2/bot/chat/loading/start</c>). LINE shows it in one-to-one chats only, so an
/// event from a group or a room never starts it. It is a courtesy: a failure is a note, never a fault of the forward.
/// </summary>
public sealed class LoadingAnimation(LineApiClient line)
{
    /// <summary>Whether the animation goes with forwarding an event of a <paramref name="sourceType"/> source to <paramref name="destination"/>.</summary>
    public static bool Applies(Channel channel, Destination destination, string sourceType) =>
        channel.Settings.LineExtras.LoadingAnimationEnabled
        && destination.Kind == DestinationKind.Bot
        && sourceType == WebhookEventReader.UserSource;

    /// <summary>Starts the animation for <paramref name="userId"/>; returns a note saying what came of it.</summary>
    public async Task<string> StartAsync(Channel channel, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var seconds = channel.Settings.LineExtras.LoadingAnimationSeconds;
        try
        {
            await line.StartLoadingAnimationAsync(channel.Id, userId, seconds, cancellationToken);
            return $"LINE shows the loading animation for up to {seconds} s.";
        }
        catch (LineApiException e)
        {
            return $"LINE did not start the loading animation (HTTP {e.Status} {e.LineMessage}).";
        }
        catch (DomainException e) when (e.Error == DomainError.Misconfigured)
        {
            return $"LINE did not start the loading animation: {e.Message}";
        }
    }
}
