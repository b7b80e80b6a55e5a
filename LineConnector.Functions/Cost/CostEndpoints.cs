using System.Globalization;
using LineConnector.Core;
using LineConnector.Core.Cost;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.Cost;

/// <summary>
/// <c>GET /api/manage/channels/{id}/usage?from=&amp;to=</c> (function key in Azure): what the channel sent to
/// LINE in a period by reply (free) and by push (quota), and its monthly quota as last read from LINE.
/// </summary>
public static class CostEndpoints
{
    public static void MapCost(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/manage/channels/{id}/usage", UsageAsync).WithTags("Cost").WithName("ChannelUsage")
            .WithSummary("Messages the channel sent by reply (free) and by push (counted against the quota) from ?from= to ?to= (ISO 8601; default: this month so far), and LINE's quota.");
    }

    private static async Task<Ok<UsageResource>> UsageAsync(string id, string? from, string? to, ChannelUsage usage, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var end = Time("to", to) ?? now;
        var start = Time("from", from) ?? new DateTimeOffset(end.Year, end.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return TypedResults.Ok(await usage.GetAsync(id, start, end, cancellationToken));
    }

    private static DateTimeOffset? Time(string field, string? text) =>
        text is null ? null
            : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time
            : throw DomainException.Invalid(field, $"an ISO 8601 time such as 2026-11-01T00:00:00+09:00 (got '{text}')");
}
