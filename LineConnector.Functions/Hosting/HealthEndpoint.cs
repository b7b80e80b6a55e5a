using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.Hosting;

/// <summary>
/// The <c>Health</c> function: <c>GET /api/health</c>, anonymous, answers
/// <c>{"status":"ok","build":"…"}</c> with the build id scripts/package.sh stamps into the package,
/// so that scripts/deploy-package.sh can tell when the new package, not the old one, answers.
/// It says nothing about the channels, the queues or any secret.
/// </summary>
public static class HealthEndpoint
{
    public const string Route = "/api/health";

    /// <summary>The key of the assembly metadata attribute the project sets from <c>-p:BuildId=…</c>.</summary>
    public const string BuildIdMetadataKey = "BuildId";

    /// <summary>What a build not made by scripts/package.sh reports.</summary>
    public const string UnstampedBuild = "local";

    /// <summary>The build id of the running package.</summary>
    public static string BuildId { get; } =
        typeof(HealthEndpoint).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == BuildIdMetadataKey)?.Value
        ?? UnstampedBuild;

    public static void MapHealth(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Route, () => Health()).WithName("Health");

    private static JsonHttpResult<HealthReport> Health() =>
        TypedResults.Json(new HealthReport("ok", BuildId), HealthJsonContext.Default.HealthReport);
}

/// <summary>The answer of <c>GET /api/health</c>.</summary>
public sealed record HealthReport(string Status, string Build);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
