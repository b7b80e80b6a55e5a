using System.Text.Json.Serialization;

namespace LineConnector.Core.Channels;

/// <summary>
/// When a quiet enquiry closes (DESIGN §5, Conversation control; Cognigy's Session Management, CINNOX's
/// notice before auto-closing): after <see cref="IdleSeconds"/> without activity, with an optional warning
/// <see cref="WarningSeconds"/> before, then the channel's close message and an <c>enquiry-closed</c>
/// notice to the destination. Off by default: LINE has no idle limit. Setters: see <see cref="ChannelSettings"/>.
/// </summary>
public sealed record SessionExpirySettings
{
    public const string DefaultWarningText = "This conversation will close soon because it has been quiet. Send us a message to keep it open.";
    public const int MaxIdleSeconds = 30 * 24 * 60;

    /// <summary>
    /// Seconds without activity after which the enquiry closes; 0: never. Null (not set): the app-wide
    /// <c>Enquiries__AutoCloseAfter</c>, if set (how that setting carries over), else never.
    /// </summary>
    public int? IdleSeconds { get; set; }

    /// <summary>Seconds before the close that the warning goes; 0: no warning. Less than <see cref="IdleSeconds"/>.</summary>
    public int WarningSeconds { get; set; }

    /// <summary>The warning's text; null: <see cref="DefaultWarningText"/>.</summary>
    public string? WarningText { get; set; }

    [JsonIgnore]
    public string Warning => WarningText ?? DefaultWarningText;

    /// <summary>The idle time in force: the channel's, else <paramref name="appDefault"/> (the carried-over app setting); null: never.</summary>
    public TimeSpan? IdleAfter(TimeSpan? appDefault) => IdleSeconds switch
    {
        null => appDefault,
        0 => null,
        { } seconds => TimeSpan.FromSeconds(seconds),
    };

    /// <summary>The warning's lead time; null: none.</summary>
    [JsonIgnore]
    public TimeSpan? WarningBefore => WarningSeconds > 0 ? TimeSpan.FromSeconds(WarningSeconds) : null;
}
