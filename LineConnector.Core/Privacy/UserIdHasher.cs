using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace LineConnector.Core.Privacy;

/// <summary>
/// Turns LINE user, group and room ids into a keyed hash (HMAC-SHA256 with a key of the deployment's,
/// never logged), so that masked logs can still tell one user's lines from another's without naming
/// them: <c>U4af4980629...</c> becomes <c>user#3f2a9c0d1b7e5a44</c>. The same id gives the same hash
/// for as long as the key stays.
/// </summary>
public sealed partial class UserIdHasher
{
    private readonly byte[] _key;

    /// <param name="key">At least 16 bytes.</param>
    public UserIdHasher(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 16)
        {
            throw new ArgumentException("The user id hash key must be at least 16 bytes.", nameof(key));
        }

        _key = key.ToArray();
    }

    public string Hash(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var prefix = id.Length > 0 ? id[0] switch { 'U' => "user", 'C' => "group", 'R' => "room", _ => "id" } : "id";
        return $"{prefix}#{Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(id)))[..16]}";
    }

    /// <summary><paramref name="text"/> with every LINE user, group or room id in it replaced by its hash.</summary>
    public string Mask(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return LineId().Replace(text, m => Hash(m.Value));
    }

    [GeneratedRegex("[UCR][0-9a-f]{32}")]
    private static partial Regex LineId();

    public override string ToString() => "UserIdHasher { key not shown }";
}
