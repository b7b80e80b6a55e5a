using System.Text.Json;
using System.Text.Json.Serialization;

namespace LineConnector.Core.Line.Events;

/// <summary>The <c>message</c> of a message event (webhook.yml, <c>MessageContent</c>).</summary>
[JsonConverter(typeof(MessageContentConverter))]
public abstract record MessageContent
{
    public string Type { get; init; } = "";
    public string Id { get; init; } = "";
    public string? MarkAsReadToken { get; init; }
}

public sealed record TextMessageContent : MessageContent
{
    public string Text { get; init; } = "";
    public IReadOnlyList<Emoji>? Emojis { get; init; }
    public Mention? Mention { get; init; }
    public string? QuoteToken { get; init; }
    public string? QuotedMessageId { get; init; }
}

public sealed record Emoji
{
    public int Index { get; init; }
    public int Length { get; init; }
    public string ProductId { get; init; } = "";
    public string EmojiId { get; init; } = "";
}

public sealed record Mention
{
    public IReadOnlyList<Mentionee> Mentionees { get; init; } = [];
}

/// <summary>A mention of a <c>user</c> (with user id when known) or of <c>all</c>.</summary>
public sealed record Mentionee
{
    public string Type { get; init; } = "";
    public int Index { get; init; }
    public int Length { get; init; }
    public string? UserId { get; init; }
    public bool? IsSelf { get; init; }
}

/// <summary>Where the content lives: <c>line</c> (download it from the content API) or <c>external</c> (the URLs given).</summary>
public sealed record ContentProvider
{
    public string Type { get; init; } = "";
    public string? OriginalContentUrl { get; init; }
    public string? PreviewImageUrl { get; init; }
}

public sealed record ImageMessageContent : MessageContent
{
    public required ContentProvider ContentProvider { get; init; }
    public ImageSet? ImageSet { get; init; }
    public string? QuoteToken { get; init; }
}

public sealed record ImageSet
{
    public string Id { get; init; } = "";
    public int? Index { get; init; }
    public int? Total { get; init; }
}

public sealed record VideoMessageContent : MessageContent
{
    /// <summary>Milliseconds.</summary>
    public long? Duration { get; init; }

    public required ContentProvider ContentProvider { get; init; }
    public string? QuoteToken { get; init; }
}

public sealed record AudioMessageContent : MessageContent
{
    /// <summary>Milliseconds.</summary>
    public long? Duration { get; init; }

    public required ContentProvider ContentProvider { get; init; }
}

public sealed record FileMessageContent : MessageContent
{
    public string FileName { get; init; } = "";
    public long FileSize { get; init; }
}

public sealed record LocationMessageContent : MessageContent
{
    public string? Title { get; init; }
    public string? Address { get; init; }
    public double Latitude { get; init; }
    public double Longitude { get; init; }
}

/// <summary>A sticker: only its package and sticker ids can be forwarded; its image cannot be downloaded.</summary>
public sealed record StickerMessageContent : MessageContent
{
    public string PackageId { get; init; } = "";
    public string StickerId { get; init; } = "";
    public string StickerResourceType { get; init; } = "";
    public IReadOnlyList<string>? Keywords { get; init; }
    public string? Text { get; init; }
    public string? QuoteToken { get; init; }
    public string? QuotedMessageId { get; init; }
}

/// <summary>A message type this version does not know; the raw JSON is kept.</summary>
public sealed record UnknownMessageContent : MessageContent
{
    public required JsonElement Raw { get; init; }
}
