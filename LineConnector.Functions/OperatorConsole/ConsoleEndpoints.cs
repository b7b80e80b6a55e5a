using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.OperatorConsole;

/// <summary>
/// The operator console at <c>/api/console/</c>: plain HTML, CSS and ES modules embedded in this assembly
/// (OperatorConsole/wwwroot), no CDN, so it works offline. Who may open it: <see cref="ConsoleAccess"/>. The pages
/// call the admin API through <c>/api/console/manage/...</c> and, in local mode, the playground.
/// </summary>
public static class ConsoleEndpoints
{
    public const string ResourcePrefix = "console/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every asset by its path under the console, with its content type and ETag, read once.</summary>
    private static readonly Lazy<FrozenDictionary<string, Asset>> Assets = new(LoadAssets);

    public static IReadOnlyCollection<string> AssetPaths => Assets.Value.Keys;

    public static void MapConsole(this IEndpointRouteBuilder endpoints)
    {
        // Every method reaches the console's route at the host (function Console), so that
        // /api/console/manage/... carries the admin API's; here only GET serves a page.
        endpoints.MapMethods(ConsoleAccess.Route + "/{*path}", ["GET", "POST", "PUT", "DELETE"], Serve).WithName("Console").ExcludeFromDescription();
    }

    private static Results<RedirectHttpResult, FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult> Serve(string? path, HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method))
        {
            return TypedResults.Problem($"{request.Method} {request.Path} is not a route of the console or the admin API.", statusCode: StatusCodes.Status405MethodNotAllowed);
        }

        if (string.IsNullOrEmpty(path) && !request.Path.Value!.EndsWith('/'))
        {
            // The pages' relative links resolve under the console only with the slash.
            return TypedResults.Redirect(request.PathBase + ConsoleAccess.Route + "/");
        }

        if (!Assets.Value.TryGetValue(string.IsNullOrEmpty(path) ? "index.html" : path, out var asset))
        {
            return TypedResults.Problem($"The console has no page '{path}'.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }

        var response = request.HttpContext.Response;
        response.Headers.CacheControl = "no-cache";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data: blob: https:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";
        if (request.Headers.IfNoneMatch == asset.ETag)
        {
            response.Headers.ETag = asset.ETag;
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        response.Headers.ETag = asset.ETag;
        return TypedResults.File(asset.Bytes, asset.ContentType);
    }

    private static FrozenDictionary<string, Asset> LoadAssets()
    {
        var assembly = typeof(ConsoleEndpoints).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
            assets[name[ResourcePrefix.Length..]] = new Asset(bytes, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);
}
