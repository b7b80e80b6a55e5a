using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Acornima;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Runtime;
using Jint.Runtime.Interop;
using LineConnector.Core.Channels;
using JsJson = Jint.Native.Json;

namespace LineConnector.Core.Transformers;

/// <summary>
/// Runs a channel's transformer functions in Jint, in a sandbox (DESIGN §4.10): no CLR (Jint exposes .NET
/// only when asked to, and it is not), no network, timers, modules or <c>require</c> (none are defined),
/// no <c>eval</c> or <c>new Function</c>; per call a time, memory, statement and recursion limit
/// (<see cref="TransformerSettings"/>). Values cross as JSON only. A fresh engine per call, so nothing but
/// the storage object carries from one call to the next.
/// </summary>
public static class TransformerRunner
{
    /// <summary>The storage object is at most this many bytes of JSON as UTF-8.</summary>
    public const int MaxStorageBytes = 16 * 1024;

    /// <summary>Console lines kept per call, and characters per line.</summary>
    public const int MaxConsoleLines = 100;
    public const int MaxConsoleLineLength = 1_000;

    /// <summary>Parsed code, kept while its text is (the cached channel holds it): a channel's code is parsed once, not per call.</summary>
    private static readonly ConditionalWeakTable<string, PreparedCode> Parsed = new();

    public static string FunctionName(TransformerHookKind kind) => kind switch
    {
        TransformerHookKind.Input => "handleInput",
        TransformerHookKind.Output => "handleOutput",
        TransformerHookKind.Notify => "handleNotify",
        TransformerHookKind.Inject => "handleInject",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown transformer hook."),
    };

    /// <summary>Why the code cannot be used (it does not parse, its top level fails, or a hook switched on has no function), or null.</summary>
    public static string? Check(TransformerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var code = settings.Code ?? "";
        Prepared<Script> script;
        try
        {
            script = Engine.PrepareScript(code, "transformers.js");
        }
        catch (ScriptPreparationException e) when (e.InnerException is ParseErrorException parse)
        {
            return $"does not parse: {parse.Description} (line {parse.LineNumber}, column {parse.Column})";
        }

        var console = new List<string>();
        var engine = Sandbox(settings, console);
        try
        {
            engine.Execute(script);
        }
        catch (Exception e) when (Describe(e, settings, "the code's top level") is { } error)
        {
            return error;
        }

        var missing = Enum.GetValues<TransformerHookKind>()
            .Where(k => settings[k].Enabled && engine.GetValue(FunctionName(k)) is not Jint.Native.Function.Function)
            .Select(FunctionName)
            .ToList();
        return missing.Count == 0 ? null : $"{string.Join(", ", missing)} is switched on but the code defines no such function";
    }

    /// <summary>
    /// Calls the hook's function with <paramref name="input"/> (JSON) and a context object
    /// <c>{channelId, enquiryId, storage}</c>; the function may change <c>context.storage</c> or replace it.
    /// Never throws for what the code does: a failure is a <see cref="TransformerOutcome.Failed"/> result.
    /// </summary>
    public static TransformerResult Run(TransformerSettings settings, TransformerHookKind kind, JsonElement input, TransformerContext context)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(context);
        var console = new List<string>();
        var name = FunctionName(kind);
        if (Prepare(settings.Code ?? "") is not { } script)
        {
            return Failed(context, console, "the code does not parse");
        }

        var engine = Sandbox(settings, console);
        try
        {
            engine.Execute(script);
            if (engine.GetValue(name) is not Jint.Native.Function.Function function)
            {
                return Failed(context, console, $"the code defines no function {name}");
            }

            var parser = new JsJson.JsonParser(engine);
            var argument = parser.Parse(input.GetRawText());
            var contextObject = new JsObject(engine);
            contextObject.Set("channelId", context.ChannelId);
            contextObject.Set("enquiryId", context.EnquiryId is null ? JsValue.Null : new JsString(context.EnquiryId));
            contextObject.Set("storage", parser.Parse(string.IsNullOrEmpty(context.Storage) ? "{}" : context.Storage));

            var returned = engine.Invoke(function, JsValue.Undefined, [argument, contextObject]).UnwrapIfPromise();
            var serializer = new JsJson.JsonSerializer(engine);
            var storageValue = contextObject.Get("storage");
            var storage = storageValue.IsNull() || storageValue.IsUndefined() ? "{}" : serializer.Serialize(storageValue).ToString();
            var storageBytes = Encoding.UTF8.GetByteCount(storage);
            if (storageBytes > MaxStorageBytes)
            {
                return Failed(context, console, $"storage limit: the storage object takes {N(storageBytes)} bytes of JSON, at most {N(MaxStorageBytes)}");
            }

            if (!TypeConverter.ToBoolean(returned))
            {
                return new TransformerResult(TransformerOutcome.Dropped, null, storage, console, null);
            }

            var json = serializer.Serialize(returned);
            if (json.IsUndefined())
            {
                return Failed(context, console, $"{name} returned a value that is not JSON (a function or a symbol)");
            }

            using var document = JsonDocument.Parse(json.ToString());
            return new TransformerResult(TransformerOutcome.Returned, document.RootElement.Clone(), storage, console, null);
        }
        catch (Exception e) when (Describe(e, settings, name) is { } error)
        {
            return Failed(context, console, error);
        }
    }

    private static TransformerResult Failed(TransformerContext context, List<string> console, string error) =>
        new(TransformerOutcome.Failed, null, context.Storage, console, error);

    private static Prepared<Script>? Prepare(string code) => Parsed.GetValue(code, c =>
    {
        try
        {
            return new PreparedCode(Engine.PrepareScript(c, "transformers.js"));
        }
        catch (ScriptPreparationException)
        {
            return new PreparedCode(null);
        }
    }).Script;

    private sealed record PreparedCode(Prepared<Script>? Script);

    private static Engine Sandbox(TransformerSettings settings, List<string> console)
    {
        var engine = new Engine(options => options
            .Strict()
            .DisableStringCompilation()
            .TimeoutInterval(TimeSpan.FromMilliseconds(settings.TimeoutMilliseconds))
            .LimitMemory(settings.MemoryLimitKilobytes * 1024L)
            .MaxStatements(settings.MaxStatements)
            .LimitRecursion(settings.MaxRecursionDepth));
        var consoleObject = new JsObject(engine);
        foreach (var level in new[] { "log", "info", "warn", "error", "debug" })
        {
            consoleObject.Set(level, new ClrFunction(engine, level, (_, arguments) =>
            {
                if (console.Count < MaxConsoleLines)
                {
                    var line = $"{level}: {string.Join(' ', arguments.Select(a => ConsoleText(engine, a)))}";
                    console.Add(line.Length <= MaxConsoleLineLength ? line : line[..MaxConsoleLineLength] + "…");
                }

                return JsValue.Undefined;
            }));
        }

        engine.SetValue("console", consoleObject);
        return engine;
    }

    private static string ConsoleText(Engine engine, JsValue value) =>
        value.IsString() ? value.AsString()
        : new JsJson.JsonSerializer(engine).Serialize(value) is { } json && !json.IsUndefined() ? json.ToString()
        : value.ToString();

    /// <summary>What went wrong, naming the limit when one was broken; null for failures of the host itself (they propagate).</summary>
    private static string? Describe(Exception e, TransformerSettings settings, string where) => e switch
    {
        TimeoutException => $"time limit: {where} ran longer than {N(settings.TimeoutMilliseconds)} ms (transformers.timeoutMilliseconds)",
        MemoryLimitExceededException => $"memory limit: {where} allocated more than {N(settings.MemoryLimitKilobytes)} KiB (transformers.memoryLimitKilobytes)",
        StatementsCountOverflowException => $"statement limit: {where} ran more than {N(settings.MaxStatements)} statements (transformers.maxStatements)",
        RecursionDepthOverflowException => $"recursion limit: {where} nested calls deeper than {N(settings.MaxRecursionDepth)} (transformers.maxRecursionDepth)",
        JavaScriptException js => $"{where} threw {js.Error}{(js.Location.Start.Line > 0 ? $" (line {js.Location.Start.Line})" : "")}",
        ParseErrorException parse => $"does not parse: {parse.Description} (line {parse.LineNumber}, column {parse.Column})",
        JintException jint => $"{where} failed: {jint.Message}",
        _ => null,
    };

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
