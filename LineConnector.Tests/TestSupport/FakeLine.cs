using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LineConnector.Tests.TestSupport;

/// <summary>
/// LINE's token and bot-info endpoints on a local Kestrel server: accounts are registered with
/// their channel id, secret, optional long-lived token and bot user id.
/// </summary>
internal sealed class FakeLine : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Account> _byToken = new();
    private readonly ConcurrentDictionary<string, Account> _byChannelId = new();
    private int _issued;

    public sealed record Account(string LineChannelId, string ChannelSecret, string BotUserId, string? LongLivedToken = null);

    private FakeLine(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseUrl { get; private set; } = null!;

    public int TokensIssued => _issued;

    /// <summary>Every token issued, to look for in logs and answers.</summary>
    public ConcurrentQueue<string> IssuedTokens { get; } = new();

    public int BotInfoCalls;

    /// <summary>When set, every call answers this status.</summary>
    public int? FailWith { get; set; }

    public static async Task<FakeLine> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var line = new FakeLine(app);
        app.MapPost("/oauth2/v3/token", async (HttpContext http) =>
        {
            if (line.FailWith is { } status)
            {
                return Results.StatusCode(status);
            }

            var form = await http.Request.ReadFormAsync();
            if (form["grant_type"] != "client_credentials" || !line._byChannelId.TryGetValue(form["client_id"].ToString(), out var account) || account.ChannelSecret != form["client_secret"])
            {
                return Results.Json(new Dictionary<string, string> { ["error"] = "invalid_client", ["error_description"] = "invalid client" }, statusCode: 400);
            }

            var token = $"stateless-{Interlocked.Increment(ref line._issued)}-{Guid.NewGuid():N}";
            line._byToken[token] = account;
            line.IssuedTokens.Enqueue(token);
            return Results.Text($"{{\"token_type\":\"Bearer\",\"access_token\":\"{token}\",\"expires_in\":899}}", "application/json");
        });
        app.MapGet("/v2/bot/info", (HttpContext http) =>
        {
            Interlocked.Increment(ref line.BotInfoCalls);
            if (line.FailWith is { } status)
            {
                return Results.StatusCode(status);
            }

            var auth = http.Request.Headers.Authorization.ToString();
            if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !line._byToken.TryGetValue(auth[7..], out var account))
            {
                return Results.Json(new Dictionary<string, string> { ["message"] = "Authentication failed. Confirm that the access token in the authorization header is valid." }, statusCode: 401);
            }

            return Results.Text($"{{\"userId\":\"{account.BotUserId}\",\"basicId\":\"@{account.LineChannelId}\",\"displayName\":\"Bot {account.LineChannelId}\",\"chatMode\":\"chat\",\"markAsReadMode\":\"manual\"}}", "application/json");
        });
        await app.StartAsync();
        line.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return line;
    }

    public Account Add(Account account)
    {
        _byChannelId[account.LineChannelId] = account;
        if (account.LongLivedToken is { } token)
        {
            _byToken[token] = account;
        }

        return account;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
