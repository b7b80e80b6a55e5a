using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LineConnector.Cli;

/// <summary>The connector's admin API (<c>/api/manage/...</c>), with the function key sent as <c>x-functions-key</c>.</summary>
public sealed class ManageApiClient(HttpClient http, Uri baseUrl, string? functionKey)
{
    public const string UrlVariable = "LINE_CONNECTOR_URL";
    public const string KeyVariable = "LINE_CONNECTOR_KEY";

    /// <summary>An answer: status, body and ETag.</summary>
    public sealed record Answer(int Status, string Body, string? ETag)
    {
        public bool IsSuccess => Status is >= 200 and < 300;
    }

    public Task<Answer> SendAsync(HttpMethod method, string path, string? json, string? ifMatch, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, new Uri(baseUrl, path.TrimStart('/')));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (!string.IsNullOrEmpty(functionKey))
        {
            request.Headers.Add("x-functions-key", functionKey);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return SendAsync(request, cancellationToken);
    }

    private async Task<Answer> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return new Answer((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken), response.Headers.ETag?.ToString());
        }
    }

    /// <summary>An RFC 7807 problem as lines for a person: title, detail, then each field and its rule.</summary>
    public static IEnumerable<string> DescribeProblem(Answer answer)
    {
        JsonNode? problem = null;
        try
        {
            problem = JsonNode.Parse(answer.Body);
        }
        catch (JsonException)
        {
            // Not problem details (a proxy's page): the status is all there is.
        }

        yield return $"error: HTTP {answer.Status}" + (problem?["title"] is { } title ? $" {title}" : "");
        if (problem?["detail"] is { } detail)
        {
            yield return $"  {detail}";
        }

        if (problem?["errors"] is JsonObject errors)
        {
            foreach (var (field, messages) in errors)
            {
                foreach (var message in messages?.AsArray() ?? [])
                {
                    yield return $"  {field}: {message}";
                }
            }
        }
    }
}
