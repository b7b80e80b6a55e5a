using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LineConnector.Core;
using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Line.Api;
using LineConnector.Functions.Admin;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.OperatorConsole;

/// <summary>
/// Admin routes the console needs beside the channel API (under <c>/api/manage</c>, function key in Azure,
/// and for the signed-in operator through <c>/api/console/manage</c>, see <see cref="ConsoleAccess"/>).
/// </summary>
public static class ConsoleApiEndpoints
{
    public static void MapConsoleApi(this IEndpointRouteBuilder endpoints)
    {
        var manage = endpoints.MapGroup(ChannelAdminEndpoints.Prefix).WithTags("Console").DisableAntiforgery();
        manage.MapGet("/limits", () => TypedResults.Ok(LimitsResource.Current)).WithName("GetLimits")
            .WithSummary("The limits of channel settings and texts, as the server judges them.");
        manage.MapPost("/line/bot-info", BotInfoAsync).WithName("CheckLineCredentials").Accepts<ChannelCredentialsRequest>("application/json")
            .WithSummary("Checks LINE credentials with LINE (GET /v2/bot/info) and shows the account they belong to; stores nothing.");
        manage.MapGet("/channels/{id}/route/simulation", SimulateAsync).WithName("SimulateRouting").WithTags("Routing")
            .WithSummary("Where ?enquiries= new enquiries (default 1,000, at most 10,000) opened at ?at= (ISO 8601, default now) would go, counted per destination; sends nothing.");
        manage.MapPost("/message-preview", PreviewAsync).WithName("PreviewMessages").Accepts<MessagePreviewRequest>("application/json")
            .WithSummary("The welcome, away and close texts with the staff name format applied, and the sender name of staff replies.");
    }

    private static async Task<Ok<BotInfoResource>> BotInfoAsync(HttpRequest request, LineApiClient line, CancellationToken cancellationToken)
    {
        var credentials = await ReadAsync(request, ChannelJsonContext.Default.ChannelCredentialsRequest, cancellationToken);
        List<FieldError> errors = [];
        if (string.IsNullOrWhiteSpace(credentials.ChannelAccessToken) && (string.IsNullOrWhiteSpace(credentials.LineChannelId) || string.IsNullOrWhiteSpace(credentials.ChannelSecret)))
        {
            errors.Add(new("channelAccessToken", "required unless lineChannelId and channelSecret are given"));
        }

        if (errors.Count > 0)
        {
            throw DomainException.Invalid(errors, "The credentials are not complete");
        }

        var credential = credentials.ChannelAccessToken is { Length: > 0 } token
            ? LineCredential.LongLived(token)
            : LineCredential.Stateless(credentials.LineChannelId!, credentials.ChannelSecret!);
        try
        {
            return TypedResults.Ok(BotInfoResource.Of(await line.GetBotInfoAsync(credential, cancellationToken)));
        }
        catch (LineApiException e) when (e.Kind == LineErrorKind.InvalidCredentials)
        {
            throw DomainException.Invalid([new FieldError("credentials", e.Message)], "LINE refused the credentials");
        }
    }

    /// <summary>
    /// Replays the routing rule (<see cref="WhatIf"/>) for many new enquiries with ids made up as the connector
    /// makes them, so that a percentage rule shows its split as it will be, and the other rules where they send now.
    /// The ids are the same on every call, so the result changes only with the rule, the presence or the time.
    /// </summary>
    private static async Task<Ok<SimulationResource>> SimulateAsync(
        string id, int? enquiries, string? at, ChannelAdministration channels, PresenceStore presence, TimeProvider clock, CancellationToken cancellationToken)
    {
        var count = enquiries ?? SimulationResource.DefaultEnquiries;
        if (count is < 1 or > SimulationResource.MaxEnquiries)
        {
            throw DomainException.Invalid("enquiries", $"1 to {SimulationResource.MaxEnquiries:N0} (got {count})");
        }

        var when = clock.GetUtcNow();
        if (at is not null && !DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out when))
        {
            throw DomainException.Invalid("at", $"an ISO 8601 time such as 2026-11-21T09:00:00+09:00 (got '{at}')");
        }

        var channel = (await channels.GetAsync(id, cancellationToken)).Channel;
        var present = await presence.GetAsync(id, cancellationToken);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var nowhere = 0;
        for (var i = 0; i < count; i++)
        {
            var seed = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{id}:{i}")))[..24];
            var answer = WhatIf.Answer(new WhatIfQuestion
            {
                Channel = channel.Settings,
                Presence = present,
                SourceId = "U" + seed,
                At = when,
                EnquiryId = $"{id}.{seed}",
            });
            if (answer.DestinationId is { } destination)
            {
                counts[destination] = counts.GetValueOrDefault(destination) + 1;
            }
            else
            {
                nowhere++;
            }
        }

        var shares = channel.Settings.Destinations
            .Select(d => new SimulatedShare(d.Id, counts.GetValueOrDefault(d.Id), Math.Round(100.0 * counts.GetValueOrDefault(d.Id) / count, 1)))
            .ToList();
        return TypedResults.Ok(new SimulationResource(id, when, count, shares, nowhere));
    }

    private static async Task<Ok<MessagePreviewResource>> PreviewAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var preview = await ReadAsync(request, ConsoleApiJsonContext.Default.MessagePreviewRequest, cancellationToken);
        var messages = preview.AutoMessages ?? new AutoMessages();
        var format = StaffNameFormat.None;
        if (preview.StaffNameFormat is { } given && !ChannelTexts.StaffNameFormat.TryParse(given, out format))
        {
            throw DomainException.Invalid("staffNameFormat", $"must be {ChannelTexts.StaffNameFormat.Choices}");
        }

        var texts = Enum.GetValues<AutoMessageKind>().ToDictionary(k => ChannelTexts.AutoMessage.Format(k), k => messages.Render(k, format, preview.Staff));
        var sender = StaffDisplayName.ForSender(format, preview.Staff);
        return TypedResults.Ok(new MessagePreviewResource(texts, sender.Value, sender.Note));
    }

    private static async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, type, cancellationToken)
                ?? throw DomainException.Invalid("body", "required: a JSON object");
        }
        catch (JsonException e)
        {
            throw DomainException.Invalid(e.Path is { Length: > 2 } path ? path[2..] : "body", "is not valid JSON of the expected type");
        }
    }
}
