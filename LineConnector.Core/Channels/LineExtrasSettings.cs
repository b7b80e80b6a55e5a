using System.Globalization;

namespace LineConnector.Core.Channels;

/// <summary>
/// A channel's switches for LINE's own chat features (DESIGN §5, LINE's own features): read receipts
/// and the loading animation. Stored on the channel row under the same names in Pascal case
/// (<c>ReadReceiptsEnabled</c>, ...); setters for the reason given on <see cref="ChannelSettings"/>.
/// </summary>
public sealed record LineExtrasSettings
{
    public const int DefaultLoadingAnimationSeconds = 20;

    /// <summary>LINE's bounds for <c>loadingSeconds</c> (messaging-api.yml, <c>ShowLoadingAnimationRequest</c>: 5 to 60, a multiple of 5).</summary>
    public const int MinLoadingAnimationSeconds = 5;
    public const int MaxLoadingAnimationSeconds = 60;
    public const int LoadingAnimationStepSeconds = 5;

    /// <summary>Mark the user's messages as read when staff reply (LINE needs the account's chat mode on; <c>POST /v2/bot/chat/markAsRead</c>).</summary>
    public bool ReadReceiptsEnabled { get; set; }

    /// <summary>Show LINE's loading animation while a bot destination prepares its answer (one-to-one chats only).</summary>
    public bool LoadingAnimationEnabled { get; set; }

    /// <summary>How long the animation shows unless the bot answers first: 5 to 60 seconds, a multiple of 5.</summary>
    public int LoadingAnimationSeconds { get; set; } = DefaultLoadingAnimationSeconds;

    /// <summary>Every rule these settings break, named under <paramref name="field"/> (e.g. <c>lineExtras.loadingAnimationSeconds</c>).</summary>
    public IEnumerable<FieldError> Problems(string field)
    {
        if (LoadingAnimationSeconds is < MinLoadingAnimationSeconds or > MaxLoadingAnimationSeconds || LoadingAnimationSeconds % LoadingAnimationStepSeconds != 0)
        {
            yield return new FieldError(
                field + ".loadingAnimationSeconds",
                string.Create(CultureInfo.InvariantCulture, $"{MinLoadingAnimationSeconds} to {MaxLoadingAnimationSeconds}, a multiple of {LoadingAnimationStepSeconds} (got {LoadingAnimationSeconds})"));
        }
    }
}
