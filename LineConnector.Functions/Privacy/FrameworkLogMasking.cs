using System.Collections;
using LineConnector.Core.Privacy;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LineConnector.Functions.Privacy;

/// <summary>
/// The one home for what the connector's own code does not write: log lines and scopes of every category
/// outside <c>LineConnector.</c> (ASP.NET Core's hosting and routing, HttpClient's) carry LINE user, group and
/// room ids only as their keyed hash, for every channel. Those lines name request paths and URLs, and a path
/// may name a user (<c>DELETE /api/manage/channels/{id}/users/{userId}</c>); the framework cannot know which
/// channel a path is about, so it is masked whatever the channel says. The connector's own lines follow the
/// channel (<see cref="SensitiveLogging"/>).
/// </summary>
internal sealed class FrameworkLogMasking(ILoggerFactory inner, UserIdHasher hasher) : ILoggerFactory
{
    private const string OwnPrefix = "LineConnector.";

    /// <summary>Makes every logger the app's services create mask as this class says.</summary>
    public static IServiceCollection Add(IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp =>
            new FrameworkLogMasking(ActivatorUtilities.CreateInstance<LoggerFactory>(sp), sp.GetRequiredService<UserIdHasher>())));
        return services;
    }

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName.StartsWith(OwnPrefix, StringComparison.Ordinal) ? logger : new MaskingLogger(logger, hasher);
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private sealed class MaskingLogger(ILogger inner, UserIdHasher hasher) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull =>
            Masked(state) is { } masked ? inner.BeginScope(masked) : inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (Masked(state) is { } masked)
            {
                inner.Log(logLevel, eventId, masked, exception, (_, e) => hasher.Mask(formatter(state, e)));
            }
            else
            {
                inner.Log(logLevel, eventId, state, exception, (s, e) => hasher.Mask(formatter(s, e)));
            }
        }

        /// <summary>The state's fields with every id masked; null when no field names one (the state goes on as it is).</summary>
        private MaskedState? Masked<TState>(TState state)
        {
            if (state is not IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                return null;
            }

            KeyValuePair<string, object?>[]? copy = null;
            for (var i = 0; i < fields.Count; i++)
            {
                var (key, value) = fields[i];
                if (key == "{OriginalFormat}" || value is not (string or Uri or PathString))
                {
                    continue;
                }

                var text = value.ToString() ?? "";
                var masked = hasher.Mask(text);
                if (masked != text)
                {
                    copy ??= [.. fields];
                    copy[i] = new(key, masked);
                }
            }

            return copy is null ? null : new MaskedState(copy, hasher.Mask(state.ToString() ?? ""));
        }
    }

    /// <summary>A state's fields with ids masked, and its text (scopes are written by their <see cref="ToString"/>).</summary>
    private sealed class MaskedState(KeyValuePair<string, object?>[] fields, string text) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public KeyValuePair<string, object?> this[int index] => fields[index];

        public int Count => fields.Length;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)fields).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => text;
    }
}
