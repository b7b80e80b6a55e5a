using System.Collections;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LineConnector.Tests.Support;

/// <summary>
/// Keeps every log line (message, structured properties and exception text) so tests can look
/// for what must or must not be logged.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, IReadOnlyCollection<string>
{
    private readonly ConcurrentQueue<string> _lines = new();

    public string AllText => string.Join("\n", _lines);

    public int Count => _lines.Count;

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public IEnumerator<string> GetEnumerator() => _lines.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            provider._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{properties}]{(exception is null ? "" : "\n" + exception)}");
        }
    }
}
