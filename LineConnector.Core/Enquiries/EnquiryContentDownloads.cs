using LineConnector.Core.Line.Api;

namespace LineConnector.Core.Enquiries;

/// <summary>
/// A user's image, video, audio or file, fetched from LINE's content API with the channel token (which
/// the destination never sees), for the destination of the enquiry it was forwarded with. Video and audio
/// only once LINE reports the transcoding done (DESIGN §5, Inbound content).
/// </summary>
public sealed class EnquiryContentDownloads(EnquiryService enquiries, LineApiClient line)
{
    /// <summary>How long a destination waits before asking again for content LINE is still preparing.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The content, or (<see cref="ContentDownload.Content"/> null) that LINE is still preparing it. LINE
    /// having failed to prepare it is <see cref="DomainError.Unprocessable"/>; LINE no longer keeping it is
    /// <see cref="DomainError.NotFound"/>. Dispose the content once read.
    /// </summary>
    public async Task<ContentDownload> GetAsync(EnquiryAccess access, string messageId, CancellationToken cancellationToken)
    {
        var content = await enquiries.GetContentAsync(access, messageId, cancellationToken);
        try
        {
            if (content.NeedsTranscoding)
            {
                switch (await line.GetTranscodingStatusAsync(content.ChannelId, content.MessageId, cancellationToken))
                {
                    case TranscodingStatus.Processing:
                        return ContentDownload.Preparing(content.MessageId);
                    case TranscodingStatus.Failed:
                        throw new DomainException(DomainError.Unprocessable,
                            $"LINE could not prepare the {content.Kind} of message {content.MessageId}; it cannot be fetched.", title: "LINE could not prepare it");
                }
            }

            var fetched = await line.GetMessageContentAsync(content.ChannelId, content.MessageId, cancellationToken);
            if (!fetched.IsReady)
            {
                fetched.Dispose();
                return ContentDownload.Preparing(content.MessageId);
            }

            return new ContentDownload(content.MessageId, fetched);
        }
        catch (LineApiException e) when (e.Status is 404 or 410)
        {
            throw new DomainException(DomainError.NotFound,
                $"LINE no longer keeps the content of message {content.MessageId} (it keeps what users send for a limited time).", title: "LINE no longer keeps this content");
        }
    }
}

/// <summary>A user's content as LINE gave it, or (<see cref="Content"/> null) the word that LINE is still preparing it.</summary>
public sealed record ContentDownload(string MessageId, MessageContent? Content)
{
    public static ContentDownload Preparing(string messageId) => new(messageId, null);
}
