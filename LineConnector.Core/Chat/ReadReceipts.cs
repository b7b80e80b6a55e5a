using System.Text.Json.Serialization;
using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Line.Api;

namespace LineConnector.Core.Chat;

/// <summary>
/// Read receipts (DESIGN §5, LINE's own features): when staff reply, or a destination says its user's
/// messages were read, the user sees them as read. LINE marks a message and every one before it with the
/// <c>markAsReadToken</c> of the latest (<c>POST /v2/bot/chat/markAsRead</c>). The channel's
/// <see cref="LineExtrasSettings.ReadReceiptsEnabled"/> switches it on; LINE only takes it while the
/// account's chat mode is on. A refusal or failure of LINE is returned as the outcome, never thrown: it
/// must never fail the reply it goes with.
/// </summary>
public sealed class ReadReceipts(LineApiClient line)
{
    /// <summary>Marks the enquiry's user's messages as read, up to the latest one the connector received.</summary>
    public async Task<ReadReceipt> MarkAsync(Channel channel, StoredEnquiry enquiry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(enquiry);
        if (!channel.Settings.LineExtras.ReadReceiptsEnabled)
        {
            return new ReadReceipt(ReadReceipt.Off, $"Read receipts are off for channel '{channel.Id}' (ReadReceiptsEnabled).");
        }

        if (enquiry.MarkAsReadToken is not { } token)
        {
            return new ReadReceipt(ReadReceipt.NothingToMark, $"No message of enquiry {enquiry.Id} came with a markAsReadToken.");
        }

        try
        {
            await line.MarkAsReadAsync(channel.Id, token, cancellationToken);
            return new ReadReceipt(ReadReceipt.Marked, null);
        }
        catch (LineApiException e)
        {
            // Counted by the client (line_connector.line.failures, operation "mark as read"); the token is never quoted.
            var why = e.IsTransient ? "LINE failed" : "LINE refused it (is the account's chat mode on?)";
            return new ReadReceipt(ReadReceipt.Failed, $"{why}: HTTP {e.Status} {e.LineMessage}".TrimEnd());
        }
        catch (DomainException e) when (e.Error == DomainError.Misconfigured)
        {
            return new ReadReceipt(ReadReceipt.Failed, e.Message);
        }
    }
}

/// <summary>What became of a read receipt.</summary>
/// <param name="Status"><see cref="Marked"/>, <see cref="Off"/>, <see cref="NothingToMark"/> or <see cref="Failed"/>.</param>
/// <param name="Reason">Why it was not marked; null when it was.</param>
public sealed record ReadReceipt(string Status, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason)
{
    public const string Marked = "marked";
    public const string Off = "off";
    public const string NothingToMark = "nothing-to-mark";
    public const string Failed = "failed";
}
