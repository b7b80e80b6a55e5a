using System.Security.Cryptography;
using System.Text;
using LineConnector.Core.Line.Api;

namespace LineConnector.Functions.Playground;

/// <summary>
/// The LINE accounts of the playground: each set of credentials stands for one bot, whose user id is
/// derived from them, so that the same credentials always mean the same account (and one account can
/// back only one channel, as with LINE). Stateless tokens the stand-in mints carry their LINE channel id.
/// </summary>
public static class PlaygroundBots
{
    private const string MintedPrefix = "playground.";

    public static string UserIdOf(LineCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return credential.AccessToken is { } token ? UserIdOfToken(token) : UserIdOfChannel(credential.LineChannelId!);
    }

    /// <summary>The bot a bearer token stands for: a minted one names its LINE channel, any other is a long-lived token.</summary>
    public static string UserIdOfToken(string token) =>
        token.StartsWith(MintedPrefix, StringComparison.Ordinal) && token.Split('.') is [_, var channel, _]
            ? UserIdOfChannel(Encoding.UTF8.GetString(Convert.FromHexString(channel)))
            : Derived("token:" + token);

    public static string Mint(string lineChannelId) =>
        $"{MintedPrefix}{Convert.ToHexString(Encoding.UTF8.GetBytes(lineChannelId))}.{Guid.NewGuid():N}";

    public static BotInfo Info(string userId, Uri selfUrl) =>
        new(userId, "@" + userId[1..9].ToLowerInvariant(), "Playground bot " + userId[1..5].ToUpperInvariant(), "chat", "manual",
            PictureUrl: new Uri(selfUrl, "api/console/bot.svg").ToString());

    private static string UserIdOfChannel(string lineChannelId) => Derived("channel:" + lineChannelId);

    /// <summary>A LINE-shaped user id: "U" and 32 lower-case hex digits.</summary>
    private static string Derived(string seed) =>
        "U" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)))[..32];
}
