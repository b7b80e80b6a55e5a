namespace LineConnector.Core.Channels;

/// <summary>
/// A connector channel id: 1 to 64 characters of ASCII letters, digits, '-' and '_'. It appears
/// in URLs, Service Bus session ids (at most 128 characters with the LINE source id) and Table keys,
/// which forbid '/', '\', '#' and '?'.
/// </summary>
public static class ChannelId
{
    public const int MaxLength = 64;

    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
