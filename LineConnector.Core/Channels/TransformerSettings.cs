using System.Globalization;
using System.Text;
using LineConnector.Core.Transformers;

namespace LineConnector.Core.Channels;

/// <summary>
/// A channel's transformer functions (Cognigy's "Transformer Functions"): operator-written JavaScript
/// whose <c>handleInput</c>, <c>handleOutput</c>, <c>handleNotify</c> and <c>handleInject</c> change or drop
/// what comes in and goes out, run by <see cref="TransformerRunner"/> in a sandbox with these limits per call.
/// Setters: see <see cref="ChannelSettings"/>.
/// </summary>
public sealed record TransformerSettings
{
    /// <summary>The code is at most this many bytes as UTF-8.</summary>
    public const int MaxCodeBytes = 64 * 1024;

    public const int DefaultTimeoutMilliseconds = 250;
    public const int MinTimeoutMilliseconds = 10;
    public const int MaxTimeoutMilliseconds = 5_000;

    public const int DefaultMemoryLimitKilobytes = 8 * 1024;
    public const int MinMemoryLimitKilobytes = 256;
    public const int MaxMemoryLimitKilobytes = 64 * 1024;

    public const int DefaultMaxStatements = 100_000;
    public const int MinMaxStatements = 100;
    public const int MaxMaxStatements = 10_000_000;

    public const int DefaultMaxRecursionDepth = 64;
    public const int MinMaxRecursionDepth = 1;
    public const int MaxMaxRecursionDepth = 1_000;

    /// <summary>JavaScript defining the functions of the hooks switched on; null or empty: none.</summary>
    public string? Code { get; set; }

    /// <summary><c>handleInput(event, context)</c>: a LINE webhook event before it is routed.</summary>
    public TransformerHook Input { get; set; } = new();

    /// <summary><c>handleOutput(messages, context)</c>: a destination's reply (LINE message objects) before it is checked and sent.</summary>
    public TransformerHook Output { get; set; } = new();

    /// <summary><c>handleNotify(request, context)</c>: a notify request before it is sent.</summary>
    public TransformerHook Notify { get; set; } = new();

    /// <summary><c>handleInject(input, context)</c>: an injected input before it is routed.</summary>
    public TransformerHook Inject { get; set; } = new();

    /// <summary>Time limit of one call, in milliseconds (10 to 5,000).</summary>
    public int TimeoutMilliseconds { get; set; } = DefaultTimeoutMilliseconds;

    /// <summary>Memory one call may allocate, in KiB (256 to 65,536).</summary>
    public int MemoryLimitKilobytes { get; set; } = DefaultMemoryLimitKilobytes;

    /// <summary>Statements one call may run (100 to 10,000,000).</summary>
    public int MaxStatements { get; set; } = DefaultMaxStatements;

    /// <summary>How deep calls may nest (1 to 1,000).</summary>
    public int MaxRecursionDepth { get; set; } = DefaultMaxRecursionDepth;

    public TransformerHook this[TransformerHookKind kind] => kind switch
    {
        TransformerHookKind.Input => Input,
        TransformerHookKind.Output => Output,
        TransformerHookKind.Notify => Notify,
        TransformerHookKind.Inject => Inject,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown transformer hook."),
    };

    /// <summary>Whether the hook runs: switched on, with code.</summary>
    public bool Runs(TransformerHookKind kind) => this[kind].Enabled && !string.IsNullOrWhiteSpace(Code);

    /// <summary>
    /// The rules: limits in range, the code at most <see cref="MaxCodeBytes"/>, parsed, and defining a
    /// function for every hook switched on (<see cref="TransformerRunner.Check"/>).
    /// </summary>
    public static IEnumerable<FieldError> Validate(TransformerSettings? settings, string field)
    {
        if (settings is null)
        {
            yield return new(field, "required (leave it out for no transformers)");
            yield break;
        }

        foreach (var (name, hook) in new[] { ("input", settings.Input), ("output", settings.Output), ("notify", settings.Notify), ("inject", settings.Inject) })
        {
            if (hook is null)
            {
                yield return new($"{field}.{name}", "required: {\"enabled\", \"abortOnError\"}");
            }
        }

        var limits = new[]
        {
            ("timeoutMilliseconds", settings.TimeoutMilliseconds, MinTimeoutMilliseconds, MaxTimeoutMilliseconds),
            ("memoryLimitKilobytes", settings.MemoryLimitKilobytes, MinMemoryLimitKilobytes, MaxMemoryLimitKilobytes),
            ("maxStatements", settings.MaxStatements, MinMaxStatements, MaxMaxStatements),
            ("maxRecursionDepth", settings.MaxRecursionDepth, MinMaxRecursionDepth, MaxMaxRecursionDepth),
        };
        var limitsValid = true;
        foreach (var (name, value, min, max) in limits)
        {
            if (value < min || value > max)
            {
                limitsValid = false;
                yield return new($"{field}.{name}", $"{N(min)} to {N(max)} (got {N(value)})");
            }
        }

        var code = settings.Code ?? "";
        var bytes = Encoding.UTF8.GetByteCount(code);
        if (bytes > MaxCodeBytes)
        {
            yield return new($"{field}.code", $"at most {N(MaxCodeBytes)} bytes as UTF-8 (got {N(bytes)})");
            yield break;
        }

        var wanted = Enum.GetValues<TransformerHookKind>().Where(k => settings[k] is { Enabled: true }).ToList();
        if (wanted.Count > 0 && string.IsNullOrWhiteSpace(code))
        {
            yield return new($"{field}.code", $"required while {string.Join(", ", wanted.Select(TransformerRunner.FunctionName))} is switched on");
            yield break;
        }

        if (code.Length > 0 && limitsValid && settings.Input is not null && settings.Output is not null && settings.Notify is not null && settings.Inject is not null
            && TransformerRunner.Check(settings) is { } problem)
        {
            yield return new($"{field}.code", problem);
        }
    }

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>One hook's switch, and whether an error in it drops the message (true) or lets it through unchanged (false).</summary>
public sealed record TransformerHook(bool Enabled = false, bool AbortOnError = false);
