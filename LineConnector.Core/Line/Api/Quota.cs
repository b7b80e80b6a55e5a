namespace LineConnector.Core.Line.Api;

/// <summary><c>GET /v2/bot/message/quota</c>: the monthly target for push messages.</summary>
/// <param name="Type"><c>none</c> (no target) or <c>limited</c>.</param>
/// <param name="Value">The target, when <paramref name="Type"/> is <c>limited</c>.</param>
public sealed record MessageQuota(string Type, long? Value = null)
{
    public bool IsLimited => string.Equals(Type, "limited", StringComparison.Ordinal);
}
