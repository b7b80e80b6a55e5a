using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using LineConnector.Core.Channels;

namespace LineConnector.Core.Enquiries;

/// <summary>
/// Enquiry ids: <c>{channel id}.{24 hex digits}</c>. The first two digits are the bucket of the
/// conversation's partition (<see cref="EnquiryTables.Bucket"/>), so that the enquiry API finds the
/// enquiry's row from its id alone; the other 22 come from the SHA-256 of the channel id and the webhook
/// event that opened the enquiry, so a redelivered event opens the same enquiry.
/// </summary>
public static class EnquiryIds
{
    public const char Separator = '.';
    private const int HashDigits = 24;

    public static string For(string channelId, string sourceId, string openingEventId)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelId);
        ArgumentException.ThrowIfNullOrEmpty(sourceId);
        ArgumentException.ThrowIfNullOrEmpty(openingEventId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(channelId + "\n" + openingEventId));
        return channelId + Separator + EnquiryTables.Bucket(sourceId) + Convert.ToHexStringLower(hash)[..(HashDigits - 2)];
    }

    /// <summary>The channel and the partition of a well-formed enquiry id; false for anything else (it names no enquiry).</summary>
    public static bool TryParse(string? enquiryId, [NotNullWhen(true)] out string? channelId, [NotNullWhen(true)] out string? partition)
    {
        channelId = partition = null;
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
        partition = $"{channelId}:{enquiryId.Substring(at + 1, 2)}";
        return true;
    }

    /// <summary>The channel of a well-formed enquiry id; false for anything else.</summary>
    public static bool TryParse(string? enquiryId, [NotNullWhen(true)] out string? channelId) => TryParse(enquiryId, out channelId, out _);
}
