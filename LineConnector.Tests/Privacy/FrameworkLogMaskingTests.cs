using LineConnector.Core.Privacy;
using LineConnector.Functions.Privacy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LineConnector.Tests.Privacy;

/// <summary>The libraries' log lines and scopes name LINE ids only by their hash; the connector's own lines are left to <see cref="SensitiveLogging"/>.</summary>
public sealed class FrameworkLogMaskingTests
{
    private const string User = "U0123456789abcdef0123456789abcdef";

    [Fact]
    public void A_librarys_fields_message_and_scope_are_masked_and_the_connectors_own_lines_are_not()
    {
        var written = new ScopeCapturingProvider();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(written).SetMinimumLevel(LogLevel.Trace));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataProtection:UserIdHashKey"] = "framework-masking-test-key" }).Build();
        services.AddPrivacy(configuration, hostedByFunctions: true);
        using var provider = services.BuildServiceProvider();
        var hash = provider.GetRequiredService<UserIdHasher>().Hash(User);
        var factory = provider.GetRequiredService<ILoggerFactory>();

        var library = factory.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");
        using (library.BeginScope(new Dictionary<string, object?> { ["RequestPath"] = $"/api/manage/channels/shop/users/{User}" }.ToList()))
        {
            library.LogInformation("Request starting {Method} {Path}", "DELETE", $"/api/manage/channels/shop/users/{User}");
            factory.CreateLogger("LineConnector.Functions.Example").LogInformation("Own line about {Session}", $"shop:{User}");
        }

        written.Lines.Should().HaveCount(2);
        written.Lines[0].Should().NotContain(User).And.Contain($"/users/{hash}").And.Contain($"Path=/api/manage/channels/shop/users/{hash}").And.Contain($"scope: RequestPath=/api/manage/channels/shop/users/{hash}");
        written.Lines[1].Should().Contain($"shop:{User}", "the connector's own lines follow the channel's setting, not this rule");
    }

    private sealed class ScopeCapturingProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public List<string> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeCapturingProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => provider._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                var scopes = new List<string>();
                provider._scopes.ForEachScope((scope, list) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> values)
                    {
                        list.AddRange(values.Select(v => $"scope: {v.Key}={v.Value}"));
                    }
                }, scopes);
                provider.Lines.Add($"{formatter(state, exception)} [{fields}] {string.Join(" ", scopes)}");
            }
        }
    }
}
