using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LineConnector.Core;
using LineConnector.Core.Destinations;
using LineConnector.Functions.Enquiries;
using LineConnector.Functions.Hosting;

namespace LineConnector.Functions.Playground;

/// <summary>
/// The built-in staff desk (local mode): a destination like any other, reached by the signed webhook at
/// <c>/playground/desk/{channelId}/{destinationId}</c>, that keeps what it receives in memory for the desk
/// page, and answers through the enquiry API (<c>/api/enquiries/{id}/messages</c>, <c>/close</c>) with
/// its destination secret as the bearer, exactly as an external desk would. The secret never reaches the browser.
/// </summary>
public sealed class StaffDesk(PlaygroundOptions options, IDestinationSecrets secrets, TimeProvider clock)
{
    public const int MaxEnquiries = 200;
    public const int MaxEntriesPerEnquiry = 200;

    private static readonly HttpClient Http = CallerTimedHttpClient.Create();
    private readonly Dictionary<string, DeskEnquiry> _enquiries = new(StringComparer.Ordinal);

    public IReadOnlyList<DeskEnquiry> Enquiries()
    {
        lock (_enquiries)
        {
            return [.. _enquiries.Values.OrderByDescending(e => e.LastAt)];
        }
    }

    /// <summary>Takes a message of the connector's: verified with the destination's secret (401 otherwise), then kept.</summary>
    public async Task<bool> ReceiveAsync(string channelId, string destinationId, byte[] body, string? signature, CancellationToken cancellationToken)
    {
        var secret = await secrets.GetAsync(channelId, destinationId, refresh: false, cancellationToken);
        if (!DestinationSignature.IsValid(body, signature, secret))
        {
            return false;
        }

        var message = JsonSerializer.Deserialize(body, DestinationJsonContext.Default.DestinationMessage)
            ?? throw DomainException.Invalid("body", "required: a destination message");
        var entry = message.Kind switch
        {
            DestinationMessage.EventKind => new DeskEntry(message.Kind, message.Event, null, message.SentAt),
            DestinationMessage.DeliveryKind => new DeskEntry(message.Kind, null, Delivery(message.Delivery), message.SentAt),
            _ => new DeskEntry(message.Kind, null, "The enquiry was closed.", message.SentAt),
        };
        Keep(message.Enquiry.Id, e => e with
        {
            State = message.Enquiry.State,
            Source = message.Source ?? e.Source,
            ChannelName = message.Channel.Name,
            CustomInfo = message.Channel.CustomInfo,
            StaffNameFormat = message.Channel.StaffNameFormat,
        }, () => new DeskEnquiry(
            message.Enquiry.Id, channelId, destinationId, message.Channel.Name, message.Channel.CustomInfo, message.Channel.StaffNameFormat,
            message.Enquiry.State, message.Source, [], message.SentAt), entry);
        return true;
    }

    /// <summary>A staff member's text (with quick-reply buttons, if any) to the enquiry's user; answers as the enquiry API answered.</summary>
    public async Task<(int Status, string Body)> ReplyAsync(string enquiryId, DeskReply reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var enquiry = Find(enquiryId);
        var message = new JsonObject { ["type"] = "text", ["text"] = reply.Text ?? "" };
        if (reply.QuickReplies is { Count: > 0 } choices)
        {
            message["quickReply"] = new JsonObject
            {
                ["items"] = new JsonArray([.. choices.Select(c => (JsonNode)new JsonObject
                {
                    ["type"] = "action",
                    ["action"] = new JsonObject { ["type"] = "message", ["label"] = c, ["text"] = c },
                })]),
            };
        }

        var body = new JsonObject
        {
            ["staff"] = new JsonObject { ["id"] = reply.StaffId, ["firstName"] = reply.FirstName, ["lastName"] = reply.LastName },
            ["messages"] = new JsonArray(message),
        };
        var answer = await CallAsync(enquiry, "messages", body, cancellationToken);
        if (answer.Status < 300)
        {
            using var sent = JsonDocument.Parse(message.ToJsonString());
            Keep(enquiryId, e => e, () => enquiry, new DeskEntry("staff", sent.RootElement.Clone(), reply.FirstName, clock.GetUtcNow()));
        }

        return answer;
    }

    public async Task<(int Status, string Body)> CloseAsync(string enquiryId, string? staffId, CancellationToken cancellationToken)
    {
        var enquiry = Find(enquiryId);
        return await CallAsync(enquiry, "close", new JsonObject { ["staffMemberId"] = staffId }, cancellationToken);
    }

    private async Task<(int Status, string Body)> CallAsync(DeskEnquiry enquiry, string action, JsonObject body, CancellationToken cancellationToken)
    {
        var secret = await secrets.GetAsync(enquiry.ChannelId, enquiry.DestinationId, refresh: false, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.SelfUrl, $"api/enquiries/{Uri.EscapeDataString(enquiry.Id)}/{action}"))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        request.Headers.Add(EnquiryEndpoints.IdempotencyKeyHeader, Guid.NewGuid().ToString("N"));
        using var response = await Http.SendAsync(request, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private DeskEnquiry Find(string enquiryId)
    {
        lock (_enquiries)
        {
            return _enquiries.TryGetValue(enquiryId, out var enquiry)
                ? enquiry
                : throw new DomainException(DomainError.NotFound, $"The staff desk has no enquiry '{enquiryId}'.", title: "No such enquiry");
        }
    }

    private void Keep(string enquiryId, Func<DeskEnquiry, DeskEnquiry> update, Func<DeskEnquiry> create, DeskEntry entry)
    {
        lock (_enquiries)
        {
            var current = _enquiries.TryGetValue(enquiryId, out var known) ? update(known) : create();
            var entries = current.Entries.Append(entry).TakeLast(MaxEntriesPerEnquiry).ToList();
            _enquiries[enquiryId] = current with { Entries = entries, LastAt = entry.At };
            if (_enquiries.Count > MaxEnquiries)
            {
                _enquiries.Remove(_enquiries.Values.MinBy(e => e.LastAt)!.Id);
            }
        }
    }

    private static string Delivery(DeliveryInfo? delivery) => delivery switch
    {
        null => "A delivery report without its result.",
        { Failure: { } failure } => $"Not delivered ({delivery.Status}): {failure.Reason}",
        _ => $"Delivered ({delivery.SentMessageIds.Count} messages).",
    };
}
