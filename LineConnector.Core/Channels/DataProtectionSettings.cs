using System.Globalization;

namespace LineConnector.Core.Channels;

/// <summary>
/// A channel's data protection (Cognigy's "Data Protection &amp; Analytics"): masked logging, whether
/// conversation content is kept, and how long records are kept. Setters: see <see cref="ChannelSettings"/>.
/// </summary>
public sealed record DataProtectionSettings
{
    public const int MinRetentionDays = 1;
    public const int MaxRetentionDays = 3_650;

    /// <summary>
    /// Logs, telemetry and the records of handled events (<c>Detail</c>) carry no message text, and LINE
    /// user, group and room ids only as a keyed hash (<see cref="Privacy.UserIdHasher"/>).
    /// </summary>
    public bool MaskSensitiveLogging { get; set; }

    /// <summary>
    /// Off: no event body is kept beyond its processing: no history for a handover, no transformer storage
    /// object. Events waiting for a destination are still kept until one takes them (nothing is lost), then deleted.
    /// </summary>
    public bool StoreConversationContent { get; set; } = true;

    /// <summary>Closed enquiries, records of handled events and content rows older than this many days are deleted (1 to 3,650); null: kept.</summary>
    public int? RetentionDays { get; set; }

    /// <summary>The transformer storage object as it may be kept with the enquiry: not at all when content is not stored.</summary>
    public string? Kept(string? storage) => StoreConversationContent ? storage : null;

    public static IEnumerable<FieldError> Validate(DataProtectionSettings? settings, string field)
    {
        if (settings is null)
        {
            yield return new(field, "required (leave it out for the defaults)");
        }
        else if (settings.RetentionDays is { } days && (days < MinRetentionDays || days > MaxRetentionDays))
        {
            yield return new($"{field}.retentionDays", $"{MinRetentionDays} to {MaxRetentionDays.ToString("N0", CultureInfo.InvariantCulture)} days, or null to keep everything (got {days.ToString("N0", CultureInfo.InvariantCulture)})");
        }
    }
}
