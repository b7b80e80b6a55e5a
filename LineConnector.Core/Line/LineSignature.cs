using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace LineConnector.Core.Line;

/// <summary>
/// The <c>x-line-signature</c> check: Base64(HMAC-SHA256(channel secret, raw body bytes)).
/// It works on the bytes exactly as received: LINE escapes some characters as <c>\uXXXX</c>,
/// so any re-serialized body would no longer match.
/// </summary>
public static class LineSignature
{
    public const string HeaderName = "x-line-signature";

    private const int HashBytes = 32;

    public static string Compute(ReadOnlySpan<byte> body, string channelSecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelSecret);
        Span<byte> hash = stackalloc byte[HashBytes];
        Hmac(body, channelSecret, hash);
        return Convert.ToBase64String(hash);
    }

    /// <summary>True when <paramref name="signature"/> is the body's signature under the secret; compared in constant time.</summary>
    public static bool IsValid(ReadOnlySpan<byte> body, string? signature, string channelSecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelSecret);
        if (string.IsNullOrEmpty(signature) || signature.Length > 64)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[48];
        Span<byte> ascii = stackalloc byte[64];
        var asciiLength = Encoding.ASCII.GetBytes(signature, ascii);
        if (Base64.DecodeFromUtf8(ascii[..asciiLength], given, out _, out var written) != OperationStatus.Done || written != HashBytes)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HashBytes];
        Hmac(body, channelSecret, expected);
        return CryptographicOperations.FixedTimeEquals(expected, given[..HashBytes]);
    }

    private static void Hmac(ReadOnlySpan<byte> body, string channelSecret, Span<byte> destination)
    {
        var keyLength = Encoding.UTF8.GetByteCount(channelSecret);
        var rented = ArrayPool<byte>.Shared.Rent(keyLength);
        try
        {
            var key = rented.AsSpan(0, Encoding.UTF8.GetBytes(channelSecret, rented));
            HMACSHA256.HashData(key, body, destination);
            CryptographicOperations.ZeroMemory(key);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
