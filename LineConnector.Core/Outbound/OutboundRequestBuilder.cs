using System.Buffers;
using System.Text.Json;

namespace LineConnector.Core.Outbound;

/// <summary>
/// Builds an <see cref="OutboundRequest"/>. Derive the outbound id from what caused the message (for
/// example the webhook event id and the message's purpose), so that a cause handled twice yields the
/// same id and Service Bus drops the second copy.
/// </summary>
public sealed class OutboundRequestBuilder(string outboundId, string channelId, string recipient)
{
    private readonly List<JsonElement> _messages = [];
    private string? _enquiryId;
    private OutboundReply? _reply;
    private OutboundSender? _sender;
    private string? _reportTo;
    private IReadOnlyList<string>? _multicast;

    public OutboundRequestBuilder ForEnquiry(string enquiryId)
    {
        _enquiryId = enquiryId;
        return this;
    }

    /// <summary>Offers the reply token of the event being answered; the delivery uses it while it is fresh and unused.</summary>
    public OutboundRequestBuilder ReplyWith(string replyToken, DateTimeOffset webhookReceivedAt)
    {
        _reply = new OutboundReply(replyToken, webhookReceivedAt);
        return this;
    }

    /// <summary>Shows the messages as sent by <paramref name="name"/> (at most 20 characters) with an optional HTTPS icon.</summary>
    public OutboundRequestBuilder From(string? name, string? iconUrl = null)
    {
        _sender = new OutboundSender(name, iconUrl);
        return this;
    }

    public OutboundRequestBuilder ReportTo(string destination)
    {
        _reportTo = destination;
        return this;
    }

    /// <summary>Sends each request to all these users at once (a multicast); the builder's recipient must be the first.</summary>
    public OutboundRequestBuilder MulticastTo(IReadOnlyList<string> users)
    {
        _multicast = users;
        return this;
    }

    public OutboundRequestBuilder AddText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "text"u8);
            writer.WriteString("text"u8, text);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        _messages.Add(document.RootElement.Clone());
        return this;
    }

    /// <summary>Adds a LINE message object as it is; the outbound policy judges it on delivery.</summary>
    public OutboundRequestBuilder AddMessage(JsonElement message)
    {
        _messages.Add(message.Clone());
        return this;
    }

    /// <summary>The request; throws <see cref="ArgumentException"/> naming every problem when it is not valid.</summary>
    public OutboundRequest Build()
    {
        var request = new OutboundRequest
        {
            OutboundId = outboundId,
            ChannelId = channelId,
            EnquiryId = _enquiryId,
            Recipient = recipient,
            Messages = MessageList.Of(_messages),
            Reply = _reply,
            Sender = _sender,
            ReportTo = _reportTo,
            Multicast = _multicast,
        };
        var problems = request.Problems();
        return problems.Count == 0
            ? request
            : throw new ArgumentException($"The outbound message is not valid: {string.Join("; ", problems)}.");
    }
}
