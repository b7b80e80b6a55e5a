using System.Collections.Concurrent;
using LineConnector.Core.Translation;

namespace LineConnector.Tests.Translation;

/// <summary>A translator key per channel, as a test sets it; null: none.</summary>
public sealed class FixedTranslatorKeys(string? key) : ITranslatorKeys
{
    public ValueTask<string?> GetAsync(string channelId, CancellationToken cancellationToken) => ValueTask.FromResult(key);

    public string Where(string channelId) => $"the test key of {channelId}";
}

/// <summary>A managed identity that hands out one token and counts the scopes asked for.</summary>
public sealed class FixedAccessTokens(string token) : IAccessTokenSource
{
    public ConcurrentQueue<string> Scopes { get; } = new();

    public ValueTask<string> GetTokenAsync(string scope, CancellationToken cancellationToken)
    {
        Scopes.Enqueue(scope);
        return ValueTask.FromResult(token);
    }
}

public static class TranslationStages
{
    /// <summary>A stage for channels without translation: it never calls a provider.</summary>
    public static TranslationStage Unused() => new(new TextTranslators(new HttpClient(), new FixedTranslatorKeys(null), new FixedAccessTokens("unused")));
}
