using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using LineConnector.Core.Channels;

namespace LineConnector.Core.Enquiries;

/// <summary>
/// Enquiry ids: <c>{channel id}.{24 hex digits}</c>, the digits from the SHA-256 of the channel id and
/// the webhook event that opened the enquiry. Derived, so a redelivered event opens the same enquiry;
/// prefixed with the channel, so the enquiry API finds the enquiry's row from its id alone.
/// </summary>
public static class EnquiryIds
{
    public const char Separator = '.';
    private const int HashDigits = 24;

    public static string For(string channelId, string openingEventId)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelId);
        ArgumentException.ThrowIfNullOrEmpty(openingEventId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(channelId + "\n" + openingEventId));
        return channelId + Separator + Convert.ToHexStringLower(hash)[..HashDigits];
    }

    /// <summary>The channel of a well-formed enquiry id; false for anything else (it names no enquiry).</summary>
    public static bool TryParse(string? enquiryId, [NotNullWhen(true)] out string? channelId)
    {
        channelId = null;
        var at = enquiryId?.LastIndexOf(Separator) ?? -1;
        if (at <= 0 || enquiryId!.Length - at - 1 != HashDigits || !ChannelId.IsValid(enquiryId[..at]))
        {
            return false;
        }

        if (enquiryId.AsSpan(at + 1).ContainsAnyExcept("0123456789abcdef"))
        {
            return false;
        }

        channelId = enquiryId[..at];
        return true;
    }
}
