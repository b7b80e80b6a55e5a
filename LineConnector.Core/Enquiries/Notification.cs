using System.Text.Json;
using LineConnector.Core.Line;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Outbound;

namespace LineConnector.Core.Enquiries;

/// <summary>
/// Messages to a LINE user, group or room outside any enquiry (Cognigy's Notify, CINNOX's staff-initiated
/// chat): <c>to</c> one id, or a JSON array of up to 500 user ids (one multicast per 5 messages).
/// </summary>
public sealed record NotifyRequest
{
    /// <summary>A user, group or room id; or a JSON array of 1 to 500 user ids.</summary>
    public JsonElement To { get; init; }

    /// <summary>A JSON array of 1 to 5 LINE message objects, judged by the outbound policy on delivery.</summary>
    public JsonElement Messages { get; init; }
}

/// <param name="OutboundId">The id of the queued message; the delivery report to the caller's destination carries it.</param>
/// <param name="Recipients">How many users, groups or rooms it goes to.</param>
/// <param name="EnquiryId">The source's open enquiry, which the message is recorded on; null when it has none (or for a multicast).</param>
public sealed record NotifyAccepted(string OutboundId, int Recipients, string? EnquiryId)
{
    /// <summary>The channel's handleNotify transformer dropped the notification: nothing is sent (<see cref="Note"/> says why).</summary>
    public bool Dropped { get; init; }

    /// <summary>What the channel's handleNotify transformer did, when it ran.</summary>
    public string? Note { get; init; }
}

/// <summary>Reads and checks a <see cref="NotifyRequest"/>.</summary>
internal static class Notification
{
    public const int MaxMessages = MessageLimits.MaxMessagesPerRequest;

    /// <summary>The recipients, or the problems of the request (each naming its field).</summary>
    public static (IReadOnlyList<string> To, List<FieldError> Problems) Check(NotifyRequest request)
    {
        var fields = new List<FieldError>();
        var to = new List<string>();
        switch (request.To.ValueKind)
        {
            case JsonValueKind.String when OutboundRequest.IsLineId(request.To.GetString()):
                to.Add(request.To.GetString()!);
                break;
            case JsonValueKind.Array when request.To.GetArrayLength() is > 0 and <= LineApiClient.MaxMulticastRecipients:
                var i = 0;
                foreach (var user in request.To.EnumerateArray())
                {
                    if (user.ValueKind == JsonValueKind.String && user.GetString() is { } id && OutboundRequest.IsLineId(id) && id[0] == 'U')
                    {
                        to.Add(id);
                    }
                    else
                    {
                        fields.Add(new($"to[{i}]", "a LINE user id (U and 32 hexadecimal digits): a multicast goes to users, not groups or rooms"));
                    }

                    i++;
                }

                if (to.Distinct(StringComparer.Ordinal).Count() != to.Count)
                {
                    fields.Add(new("to", "each user at most once"));
                }

                break;
            default:
                fields.Add(new("to", $"required: a LINE user, group or room id (U, C or R and 32 hexadecimal digits), or an array of 1 to {LineApiClient.MaxMulticastRecipients} user ids"));
                break;
        }

        fields.AddRange(EnquiryService.MessageListProblems(request.Messages, MaxMessages, $"1 to {MaxMessages} LINE message objects, e.g. [{{\"type\":\"text\",\"text\":\"Your order has shipped\"}}]"));

        return (to, fields);
    }
}
