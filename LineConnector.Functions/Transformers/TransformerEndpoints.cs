using System.Text.Json;
using LineConnector.Core;
using LineConnector.Core.Channels;
using LineConnector.Core.Transformers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.Transformers;

/// <summary>
/// <c>POST /api/manage/channels/{id}/transformers/test</c>: runs one of a channel's transformer functions (or
/// code given to try) on a sample and answers with its output, storage object and console lines. The code
/// itself is edited with the channel's settings (<c>transformers</c>, <c>PUT /api/manage/channels/{id}</c>).
/// </summary>
public static class TransformerEndpoints
{
    public static void MapTransformerTest(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/manage/channels/{id}/transformers/test", TestAsync)
            .WithTags("Transformers")
            .WithName("TestTransformer")
            .Accepts<TransformerTestRequest>("application/json")
            .WithSummary("Runs one transformer function on a sample input; answers its output, storage object and console lines. Nothing is sent or stored.")
            .DisableAntiforgery();

    private static async Task<Ok<TransformerTestResource>> TestAsync(string id, HttpRequest request, ChannelAdministration admin, CancellationToken cancellationToken)
    {
        var stored = await admin.GetAsync(id, cancellationToken);
        TransformerTestRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(request.Body, TransformerJsonContext.Default.TransformerTestRequest, cancellationToken);
        }
        catch (JsonException e)
        {
            // The path names the field; the reader's own message is not shown: it may quote the body.
            throw DomainException.Invalid(e.Path is { Length: > 2 } path ? path[2..] : "body", "is not valid JSON of the expected type");
        }

        return TypedResults.Ok(TransformerTest.Run(stored.Channel, body ?? throw DomainException.Invalid("body", "required: a JSON object")));
    }
}
