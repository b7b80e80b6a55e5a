using System.Text.Json;
using System.Text.Json.Serialization;
using LineConnector.Core.Privacy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.Privacy;

/// <summary><c>DELETE /api/manage/channels/{id}/users/{userId}</c>: erases every row about one LINE user of the channel and answers the counts.</summary>
public static class UserErasureEndpoint
{
    public static void MapUserErasure(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapDelete("/api/manage/channels/{id}/users/{userId}", async (string id, string userId, UserErasure erasure, CancellationToken cancellationToken) =>
                TypedResults.Ok(await erasure.EraseAsync(id, userId, cancellationToken)))
            .WithTags("Data protection")
            .WithName("EraseUser")
            .WithSummary("Erases every row about one LINE user of the channel (APPI, GDPR requests): their enquiries, event records, content, kept events and sent-message records; answers the counts.")
            .DisableAntiforgery();
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ErasureResource))]
internal sealed partial class PrivacyJsonContext : JsonSerializerContext;
