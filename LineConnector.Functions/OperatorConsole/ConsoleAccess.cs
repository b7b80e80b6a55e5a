using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using LineConnector.Functions.Admin;
using LineConnector.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.OperatorConsole;

/// <summary>
/// Who may use the console (<c>/api/console/...</c>) and, through it, the admin API
/// (<c>/api/console/manage/...</c> is <c>/api/manage/...</c> for the signed-in operator, so that no function
/// key is typed into a browser). In local mode: callers on this machine only. Under the Functions host: only
/// behind App Service Authentication, whose front end signs the operator in with Microsoft Entra ID and
/// passes the identity in <c>X-MS-CLIENT-PRINCIPAL</c>; the header is trusted only when the platform says
/// authentication is on (<c>WEBSITE_AUTH_ENABLED</c>, set by App Service itself), because only then does
/// the front end strip a caller's own copy of it. With <c>Console__AllowedGroupId</c> set, the principal
/// must also carry that group (the <c>groups</c> claim).
/// </summary>
public sealed class ConsoleAccess(RequestDelegate next, IConfiguration configuration, ILogger<ConsoleAccess> logger)
{
    public const string Route = "/api/console";
    public const string ManageRoute = Route + "/manage";
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";
    public const string PlatformAuthVariable = "WEBSITE_AUTH_ENABLED";

    /// <summary>
    /// Sent by the console's pages with every call. A change (any method but GET) through the console's routes
    /// and the playground's needs it: another site's page in the operator's browser cannot set it without a
    /// CORS preflight, which nothing here answers, so it cannot use the operator's sign-in (cross-site request forgery).
    /// </summary>
    public const string RequestHeader = "X-Line-Connector-Console";

    /// <summary>App Service Authentication's sign-in with Microsoft Entra ID.</summary>
    public const string LoginPath = "/.auth/login/aad";
    public const string Section = "Console";
    public const string AllowedGroupKey = "AllowedGroupId";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(Route, StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        if (Refusal(context) is { } refusal)
        {
            if (refusal.Status == StatusCodes.Status401Unauthorized && HttpMethods.IsGet(context.Request.Method)
                && !context.Request.Path.StartsWithSegments(ManageRoute, StringComparison.OrdinalIgnoreCase))
            {
                // A page: the platform's sign-in, then back here.
                context.Response.Redirect($"{LoginPath}?post_login_redirect_uri={Uri.EscapeDataString(context.Request.Path + context.Request.QueryString)}");
                return;
            }

            logger.LogWarning("Console: {Method} {Path} refused: {Reason}", context.Request.Method, context.Request.Path, refusal.Detail);
            await TypedResults.Problem(refusal.Detail, statusCode: refusal.Status, title: refusal.Title).ExecuteAsync(context);
            return;
        }

        if (!IsSafe(context.Request) && !context.Request.Headers.ContainsKey(RequestHeader))
        {
            await CrossSiteRefusal().ExecuteAsync(context);
            return;
        }

        if (context.Request.Path.StartsWithSegments(ManageRoute, StringComparison.OrdinalIgnoreCase, out var rest))
        {
            context.Request.Path = ChannelAdminEndpoints.Prefix + rest;
        }

        await next(context);
    }

    /// <summary>Local mode's playground and console: only for callers on this machine.</summary>
    public static async ValueTask<object?> LocalOnlyFilter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return IsLocal(context.HttpContext)
            ? await next(context)
            : TypedResults.Problem("The playground answers callers on this machine only.", statusCode: StatusCodes.Status403Forbidden, title: "Local only");
    }

    /// <summary>The playground's pages: <see cref="LocalOnlyFilter"/>, and <see cref="RequestHeader"/> on every change.</summary>
    public static async ValueTask<object?> PageFilter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        return IsSafe(context.HttpContext.Request) || context.HttpContext.Request.Headers.ContainsKey(RequestHeader)
            ? await LocalOnlyFilter(context, next)
            : CrossSiteRefusal();
    }

    private static bool IsSafe(HttpRequest request) => HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);

    private static ProblemHttpResult CrossSiteRefusal() => TypedResults.Problem(
        $"Changes through the console need the {RequestHeader} header, which its pages send.", statusCode: StatusCodes.Status403Forbidden, title: "Not from the console");

    private ConsoleRefusal? Refusal(HttpContext context) => Judge(
        ConnectorHost.IsHostedByFunctions,
        string.Equals(Environment.GetEnvironmentVariable(PlatformAuthVariable), "true", StringComparison.OrdinalIgnoreCase),
        context.Request.Headers.TryGetValue(PrincipalHeader, out var header) ? header.ToString() : null,
        configuration.GetSection(Section)[AllowedGroupKey],
        IsLocal(context));

    /// <summary>Whether a request may use the console: null when it may, else why not (the one rule, see the class).</summary>
    /// <param name="hostedByFunctions">Under the Functions host (in Azure), not local mode.</param>
    /// <param name="platformAuthentication">App Service Authentication is on, so the principal header is the platform's.</param>
    public static ConsoleRefusal? Judge(bool hostedByFunctions, bool platformAuthentication, string? principalHeader, string? allowedGroupId, bool local)
    {
        if (!hostedByFunctions)
        {
            return local ? null : new(StatusCodes.Status403Forbidden, "Local only", "In local mode the console answers callers on this machine only.");
        }

        if (!platformAuthentication)
        {
            return new(StatusCodes.Status403Forbidden, "Sign-in not configured",
                "The console needs App Service Authentication with Microsoft Entra ID (infra parameter consoleClientId); it is off.");
        }

        if (principalHeader is null || Principal.Read(principalHeader) is not { } principal)
        {
            return new(StatusCodes.Status401Unauthorized, "Sign-in required", "Sign in with Microsoft Entra ID to use the console.");
        }

        return allowedGroupId is { Length: > 0 } group && !principal.Has("groups", group)
            ? new(StatusCodes.Status403Forbidden, "Not an operator", "Your account is not in the group allowed to use the console.")
            : null;
    }

    private static bool IsLocal(HttpContext context) =>
        context.Connection.RemoteIpAddress is not { } address || IPAddress.IsLoopback(address);

    /// <summary>The platform's <c>X-MS-CLIENT-PRINCIPAL</c>: Base64 of <c>{"auth_typ", "claims": [{"typ", "val"}]}</c>.</summary>
    internal sealed record Principal([property: JsonPropertyName("auth_typ")] string? AuthType, IReadOnlyList<PrincipalClaim>? Claims)
    {
        public bool Has(string type, string value) =>
            Claims?.Any(c => c.Typ == type && string.Equals(c.Val, value, StringComparison.OrdinalIgnoreCase)) == true;

        public static Principal? Read(string header)
        {
            try
            {
                return JsonSerializer.Deserialize(Encoding.UTF8.GetString(Convert.FromBase64String(header)), ConsoleJsonContext.Default.Principal);
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                return null;
            }
        }
    }

    internal sealed record PrincipalClaim(string? Typ, string? Val);
}

/// <summary>Why the console refuses a request: the HTTP status, and the problem's title and detail.</summary>
public sealed record ConsoleRefusal(int Status, string Title, string Detail);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ConsoleAccess.Principal))]
internal sealed partial class ConsoleJsonContext : JsonSerializerContext;
