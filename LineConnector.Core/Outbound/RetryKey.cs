using System.Security.Cryptography;
using System.Text;

namespace LineConnector.Core.Outbound;

/// <summary>
/// LINE's <c>X-Line-Retry-Key</c> for one push request of an outbound message: a name-based UUID
/// (version 5, RFC 9562) of the outbound id and the request's index, so every redelivery of the
/// queue message sends the same key and LINE answers 409 instead of sending the messages twice.
/// </summary>
public static class RetryKey
{
    // This connector's UUID namespace for retry keys; changing it would change every key.
    private static readonly Guid Namespace = new("6c1b7f4e-3f0a-4a55-9d62-5f3f6a9b2e41");

    public static Guid For(string outboundId, int requestIndex)
    {
        ArgumentException.ThrowIfNullOrEmpty(outboundId);
        ArgumentOutOfRangeException.ThrowIfNegative(requestIndex);
        var name = Encoding.UTF8.GetBytes($"{outboundId}\n{requestIndex}");
        var input = new byte[16 + name.Length];
        Namespace.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input, 16);
        // SHA-1 is what version 5 prescribes; the key needs uniqueness, not secrecy.
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
