using System.Text.Json;
using LineConnector.Core.Channels;

namespace LineConnector.Core.Enquiries;

/// <summary>
/// The recent events of an enquiry's conversation that staff receive with a handover (the channel's
/// <see cref="HandoverSettings.HistoryEvents"/> and <see cref="HandoverSettings.HistoryMinutes"/>).
/// The one place that decides whether an event is kept for it: each event that reaches an enquiry
/// is stored with the enquiry's write, in the same transaction, and only the latest
/// <see cref="HandoverSettings.MaxHistoryEvents"/> rows are kept.
/// </summary>
public static class ConversationHistory
{
    /// <summary>The write with the event added to the enquiry's history.</summary>
    /// <param name="channel">The channel whose settings decide what of its conversations is stored.</param>
    public static EnquiryWrite Add(EnquiryWrite write, Channel channel, string eventId, JsonElement webhookEvent, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(channel);
        var enquiry = write.Enquiry;
        return write with
        {
            Enquiry = enquiry with { History = enquiry.History + 1 },
            History = new HistoryEvent(enquiry.Id, enquiry.History, eventId, webhookEvent.GetRawText(), receivedAt),
        };
    }
}
