using System.Text.RegularExpressions;
using LineConnector.Functions.LocalMode;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace LineConnector.Tests.Packaging;

/// <summary>The routes the function app maps (its <see cref="EndpointDataSource"/>), and whether a path as written in the docs is one of them.</summary>
internal static class AppRoutes
{
    public static async Task<IReadOnlyList<RouteEndpoint>> EndpointsAsync()
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("LocalStore:Path", LocalStoreOptions.InMemory));
        using var client = factory.CreateClient();
        return [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];
    }

    public static bool Accepts(RouteEndpoint endpoint, string method) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is not { HttpMethods.Count: > 0 } metadata
        || metadata.HttpMethods.Contains(method, StringComparer.OrdinalIgnoreCase);

    /// <summary>A route's shape: literal segments in lower case and parameter names, without constraints or defaults.</summary>
    public static string Shape(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content.ToLowerInvariant(),
            RoutePatternParameterPart parameter => $"{{{(parameter.IsCatchAll ? "*" : "")}{parameter.Name}{(parameter.IsOptional ? "?" : "")}}}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        }))));

    /// <summary>
    /// Whether <paramref name="endpoint"/> serves <paramref name="path"/> as the docs write it: a
    /// <c>{...}</c> segment stands for any value and matches only a route parameter, any other
    /// segment is a value the route must accept there, and a last segment <c>...</c> stands for
    /// the rest of some route under the path. A route ending in a catch-all (<c>{*path}</c>) serves
    /// every path under its fixed segments.
    /// </summary>
    public static bool Serves(RouteEndpoint endpoint, string path, string? method)
    {
        if (method is not null && !Accepts(endpoint, method))
        {
            return false;
        }

        var written = path.Trim('/').Split('/');
        var route = endpoint.RoutePattern.PathSegments;
        if (route.Count > 0 && route[^1].Parts is [RoutePatternParameterPart { IsCatchAll: true }])
        {
            // A catch-all takes whatever follows the route's fixed segments, nothing included.
            var fixedSegments = route.Count - 1;
            var rest = written[^1] == "..." ? written[..^1] : written;
            return rest.Length >= fixedSegments && rest.Take(fixedSegments).Select((segment, i) => Matches(route[i], segment)).All(m => m);
        }

        var open = written[^1] == "...";
        if (open)
        {
            written = written[..^1];
        }

        if (open ? route.Count <= written.Length : route.Count != written.Length)
        {
            return false;
        }

        return written.Select((segment, i) => Matches(route[i], segment)).All(m => m);
    }

    private static bool Matches(RoutePatternPathSegment segment, string written)
    {
        if (written.StartsWith('{') && written.EndsWith('}'))
        {
            return segment.Parts is [RoutePatternParameterPart];
        }

        var pattern = string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => Regex.Escape(literal.Content),
            RoutePatternSeparatorPart separator => Regex.Escape(separator.Content),
            _ => "[^/]+",
        }));
        return Regex.IsMatch(written, $"^{pattern}$", RegexOptions.IgnoreCase);
    }
}
