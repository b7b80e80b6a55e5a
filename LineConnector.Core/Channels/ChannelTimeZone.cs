using System.Diagnostics.CodeAnalysis;

namespace LineConnector.Core.Channels;

/// <summary>A channel's time zone: an IANA id (e.g. <c>Asia/Tokyo</c>) resolved through <see cref="TimeZoneInfo"/>.</summary>
public static class ChannelTimeZone
{
    /// <exception cref="ArgumentException">The id is not an IANA time zone known to this system.</exception>
    public static TimeZoneInfo Find(string ianaId) =>
        TryFind(ianaId, out var zone, out var error) ? zone : throw new ArgumentException(error, nameof(ianaId));

    public static bool TryFind(string? ianaId, [NotNullWhen(true)] out TimeZoneInfo? zone, [NotNullWhen(false)] out string? error)
    {
        zone = null;
        if (string.IsNullOrWhiteSpace(ianaId))
        {
            error = "The time zone is required (an IANA id such as Asia/Tokyo).";
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(ianaId);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            error = $"'{ianaId}' is not an IANA time zone id known to this system (e.g. Asia/Tokyo, Europe/London).";
            return false;
        }

        // Windows ids (e.g. "Tokyo Standard Time") also resolve on some systems; the design asks for IANA ids.
        if (!zone.HasIanaId)
        {
            zone = null;
            error = $"'{ianaId}' is not an IANA time zone id; use one such as Asia/Tokyo or Europe/London.";
            return false;
        }

        error = null;
        return true;
    }
}
