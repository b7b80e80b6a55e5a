using System.Collections.Concurrent;
using System.Text.Json;

namespace LineConnector.Functions.Playground;

/// <summary>
/// What the playground keeps in memory until the app stops: every chat line, the reply tokens it gave
/// out with its webhooks (each usable once, for the chat it came from), and the images users uploaded.
/// At most <see cref="MaxLines"/> lines and <see cref="MaxImages"/> images: the oldest go first.
/// </summary>
public sealed class PlaygroundChats(TimeProvider clock)
{
    public const int MaxLines = 2_000;
    public const int MaxImages = 50;
    public const int MaxImageBytes = 10 * 1024 * 1024;

    private readonly List<ChatLine> _lines = [];
    private readonly ConcurrentDictionary<string, (string Bot, string Chat)> _replyTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Bot, string Chat)> _readTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (byte[] Bytes, string ContentType)> _images = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _imageOrder = new();
    private long _seq;
    private long _ids;

    public ChatLine Add(string bot, string chat, string direction, string? userId, JsonElement content, string? via)
    {
        lock (_lines)
        {
            var line = new ChatLine(++_seq, bot, chat, direction, userId, content.Clone(), via, clock.GetUtcNow());
            _lines.Add(line);
            if (_lines.Count > MaxLines)
            {
                _lines.RemoveRange(0, _lines.Count - MaxLines);
            }

            return line;
        }
    }

    public IReadOnlyList<ChatLine> Lines(string bot, long after)
    {
        lock (_lines)
        {
            return [.. _lines.Where(l => l.Bot == bot && l.Seq > after)];
        }
    }

    /// <summary>A numeric id, as LINE gives messages, unique in this run and unlikely to repeat across runs.</summary>
    public string NextMessageId() =>
        (clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000 + Interlocked.Increment(ref _ids) % 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Messages the bot pushed (kept lines only).</summary>
    public int Pushes(string bot)
    {
        lock (_lines)
        {
            return _lines.Count(l => l.Bot == bot && l.Via == "push");
        }
    }

    public string IssueReplyToken(string bot, string chat)
    {
        var token = Guid.NewGuid().ToString("N");
        _replyTokens[token] = (bot, chat);
        return token;
    }

    /// <summary>A <c>markAsReadToken</c> for a user's message in a one-to-one chat.</summary>
    public string IssueReadToken(string bot, string chat)
    {
        var token = Guid.NewGuid().ToString("N");
        _readTokens[token] = (bot, chat);
        return token;
    }

    /// <summary>The chat a read token was given for; a token may be used again (it marks the same messages).</summary>
    public (string Bot, string Chat)? ReadTokenChat(string token) => _readTokens.TryGetValue(token, out var chat) ? chat : null;

    /// <summary>The chat a reply token was given for, once: LINE accepts each token once.</summary>
    public (string Bot, string Chat)? UseReplyToken(string token) =>
        _replyTokens.TryRemove(token, out var chat) ? chat : null;

    public UploadedImage AddImage(byte[] bytes, string contentType)
    {
        var id = NextMessageId();
        _images[id] = (bytes, contentType);
        _imageOrder.Enqueue(id);
        while (_imageOrder.Count > MaxImages && _imageOrder.TryDequeue(out var oldest))
        {
            _images.TryRemove(oldest, out _);
        }

        return new UploadedImage(id, contentType, bytes.Length);
    }

    public (byte[] Bytes, string ContentType)? Image(string id) => _images.TryGetValue(id, out var image) ? image : null;
}
