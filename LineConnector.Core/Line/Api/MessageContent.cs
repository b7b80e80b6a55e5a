namespace LineConnector.Core.Line.Api;

/// <summary>
/// The content of an image, video, audio or file a user sent (<c>GET /v2/bot/message/{id}/content</c>
/// on the content API). While LINE still prepares a video or audio it answers 202: <see cref="IsReady"/> is
/// false and there is no content. Dispose it to release the connection.
/// </summary>
public sealed class MessageContent : IDisposable
{
    private readonly HttpResponseMessage? _response;

    private MessageContent(HttpResponseMessage? response, Stream? content)
    {
        _response = response;
        Content = content;
    }

    public bool IsReady => Content is not null;

    /// <summary>The bytes, read from the network as the caller reads them; null while LINE prepares them.</summary>
    public Stream? Content { get; }

    public string? ContentType => _response?.Content.Headers.ContentType?.ToString();

    public long? Length => _response?.Content.Headers.ContentLength;

    internal static MessageContent Preparing(HttpResponseMessage response)
    {
        response.Dispose();
        return new MessageContent(null, null);
    }

    internal static async Task<MessageContent> ReadyAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        new(response, await response.Content.ReadAsStreamAsync(cancellationToken));

    public void Dispose()
    {
        Content?.Dispose();
        _response?.Dispose();
    }
}

/// <summary>Whether LINE has prepared a user's video or audio for download (<c>.../content/transcoding</c>).</summary>
public enum TranscodingStatus
{
    Processing,
    Succeeded,
    Failed,
}
