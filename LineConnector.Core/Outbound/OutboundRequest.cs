using System.Text.Json;
using System.Text.Json.Serialization;
using LineConnector.Core.Line;
using LineConnector.Core.Queueing;

namespace LineConnector.Core.Outbound;

/// <summary>
/// The body of a <c>line-outbound</c> message: LINE message objects for one recipient of one channel,
/// with what the delivery needs to choose reply or push and to report the result. Build one with
/// <see cref="OutboundRequestBuilder"/>; send it with <see cref="ToQueueMessage"/>.
/// </summary>
public sealed record OutboundRequest
{
    /// <summary>
    /// The largest body of a <c>line-outbound</c> message: Service Bus Standard takes 256 KB per message,
    /// headers and properties included; the rest is their margin.
    /// </summary>
    public const int MaxQueueBodyBytes = 192 * 1024;

    /// <summary>Unique per outbound message and stable across resends: the Service Bus MessageId, the key of its record and retry keys.</summary>
    public required string OutboundId { get; init; }

    public required string ChannelId { get; init; }

    public string? EnquiryId { get; init; }

    /// <summary>The LINE user, group or room id the messages go to.</summary>
    public required string Recipient { get; init; }

    /// <summary>A JSON array of LINE message objects, kept as given; more than 5 go over several requests, in order.</summary>
    public required JsonElement Messages { get; init; }

    /// <summary>
    /// For a multicast: the users (1 to 500 user ids, no groups or rooms) that each request goes to at once;
    /// <see cref="Recipient"/> is the first of them, whose conversation's session the message takes. Never with a reply token.
    /// </summary>
    public IReadOnlyList<string>? Multicast { get; init; }

    /// <summary>The reply token of the webhook event being answered, if any.</summary>
    public OutboundReply? Reply { get; init; }

    /// <summary>Who speaks (LINE's <c>sender</c>), set on every message object that has none of its own.</summary>
    public OutboundSender? Sender { get; init; }

    /// <summary>Where the result is reported (a destination id), if anywhere.</summary>
    public string? ReportTo { get; init; }

    /// <summary>Messages to one conversation are delivered one at a time and in order.</summary>
    [JsonIgnore]
    public string SessionId => ConversationSession.Id(ChannelId, Recipient);

    public QueueMessage ToQueueMessage()
    {
        var problems = Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"The outbound message is not valid: {string.Join("; ", problems)}.");
        }

        return new QueueMessage(OutboundId, SessionId, JsonSerializer.SerializeToUtf8Bytes(this, OutboundJsonContext.Default.OutboundRequest));
    }

    /// <summary>Reads a queue message body; false with every problem found when it is not a valid outbound message.</summary>
    public static bool TryParse(string json, out OutboundRequest? request, out IReadOnlyList<string> problems)
    {
        request = null;
        try
        {
            request = JsonSerializer.Deserialize(json, OutboundJsonContext.Default.OutboundRequest);
        }
        catch (JsonException e)
        {
            problems = [$"the body is not an outbound message: {e.Message}"];
            return false;
        }

        if (request is null)
        {
            problems = ["the body is null"];
            return false;
        }

        problems = request.Problems();
        return problems.Count == 0;
    }

    /// <summary>Every rule this message breaks, each naming the field; empty when it is valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(OutboundId) || OutboundId.Length > QueueMessage.MaxIdLength || OutboundId.Any(char.IsControl))
        {
            problems.Add($"outboundId must be 1 to {QueueMessage.MaxIdLength} characters without control characters");
        }

        if (!Channels.ChannelId.IsValid(ChannelId))
        {
            problems.Add($"channelId must be 1 to {Channels.ChannelId.MaxLength} ASCII letters, digits, '-' or '_'");
        }

        if (EnquiryId is { Length: 0 })
        {
            problems.Add("enquiryId must not be empty when present");
        }

        if (!IsLineId(Recipient))
        {
            problems.Add("recipient must be a LINE user, group or room id: U, C or R followed by 32 hexadecimal digits");
        }

        if (Messages.ValueKind != JsonValueKind.Array || Messages.GetArrayLength() == 0)
        {
            problems.Add("messages must be a non-empty JSON array of LINE message objects");
        }
        else
        {
            var index = 0;
            foreach (var message in Messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"messages[{index}] must be a JSON object, not {message.ValueKind}");
                }

                index++;
            }
        }

        if (Multicast is { } users)
        {
            if (users.Count is 0 or > Line.Api.LineApiClient.MaxMulticastRecipients || users.Any(u => !IsLineId(u) || u[0] != 'U'))
            {
                problems.Add($"multicast must be 1 to {Line.Api.LineApiClient.MaxMulticastRecipients} LINE user ids");
            }
            else if (users[0] != Recipient)
            {
                problems.Add("recipient must be the first user of the multicast");
            }

            if (Reply is not null)
            {
                problems.Add("a multicast cannot use a reply token");
            }
        }

        if (Reply is { } reply)
        {
            if (string.IsNullOrEmpty(reply.Token))
            {
                problems.Add("reply.token must not be empty");
            }

            if (reply.WebhookReceivedAt == default)
            {
                problems.Add("reply.webhookReceivedAt must be the time the webhook carrying the token was received");
            }
        }

        if (Sender is { } sender)
        {
            if (sender.Name is null && sender.IconUrl is null)
            {
                problems.Add("sender must have a name, an iconUrl or both");
            }

            if (sender.Name is { } name && (name.Length is 0 or > MessageLimits.MaxSenderNameLength))
            {
                problems.Add($"sender.name must be 1 to {MessageLimits.MaxSenderNameLength} characters (it has {name.Length})");
            }

            if (sender.IconUrl is { } icon
                && (icon.Length > OutboundSender.MaxIconUrlLength || !Uri.TryCreate(icon, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
            {
                problems.Add($"sender.iconUrl must be an HTTPS URL of at most {OutboundSender.MaxIconUrlLength} characters");
            }
        }

        if (ReportTo is { Length: 0 })
        {
            problems.Add("reportTo must not be empty when present");
        }

        return problems;
    }

    /// <summary>LINE ids: U (user), C (group) or R (room) and 32 lowercase hexadecimal digits (<c>U[0-9a-f]{32}</c>): what a reply or push can be addressed to.</summary>
    public static bool IsLineId(string? id) =>
        id is { Length: 33 } && id[0] is 'U' or 'C' or 'R' && !id.AsSpan(1).ContainsAnyExcept("0123456789abcdef");
}

/// <summary>A reply token and when the webhook that carried it was received (its validity runs from then).</summary>
public sealed record OutboundReply(string Token, DateTimeOffset WebhookReceivedAt);

/// <summary>LINE's <c>sender</c>: the name and icon shown for a message instead of the account's.</summary>
public sealed record OutboundSender(string? Name = null, string? IconUrl = null)
{
    public const int MaxIconUrlLength = 2000;
}

[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(OutboundRequest))]
[JsonSerializable(typeof(OutboundResult))]
[JsonSerializable(typeof(SentRequest))]
internal sealed partial class OutboundJsonContext : JsonSerializerContext;
