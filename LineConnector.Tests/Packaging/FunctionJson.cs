using System.Text.Json;
using LineConnector.Functions.Hosting;

namespace LineConnector.Tests.Packaging;

/// <summary>A function of the function app: its folder name and its function.json bindings.</summary>
internal sealed record FunctionJson(string Name, JsonElement Root)
{
    public static readonly string[] HttpMethods = ["get", "post", "put", "patch", "delete", "head", "options"];

    public IReadOnlyList<JsonElement> Bindings =>
        Root.TryGetProperty("bindings", out var bindings) && bindings.ValueKind == JsonValueKind.Array ? [.. bindings.EnumerateArray()] : [];

    public JsonElement? Trigger => Bindings.Where(IsTrigger).Cast<JsonElement?>().FirstOrDefault();

    public string? TriggerType => Trigger is { } trigger ? Text(trigger, "type") : null;

    /// <summary>The route the host serves under its route prefix; the function's name when function.json sets none.</summary>
    public string HttpRoute => Trigger is { } trigger && Text(trigger, "route") is { Length: > 0 } route ? route : Name;

    public IReadOnlyList<string> HttpTriggerMethods =>
        Trigger is { } trigger && trigger.TryGetProperty("methods", out var methods) && methods.ValueKind == JsonValueKind.Array
            ? [.. methods.EnumerateArray().Select(m => m.GetString() ?? "")]
            : [];

    public string? QueueName => Trigger is { } trigger ? Text(trigger, "queueName") : null;

    public static FunctionJson Load(string functionDirectory)
    {
        var path = Path.Combine(functionDirectory, "function.json");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return new FunctionJson(Path.GetFileName(functionDirectory), document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {e.Message}", e);
        }
    }

    public static FunctionJson Parse(string name, string json)
    {
        using var document = JsonDocument.Parse(json);
        return new FunctionJson(name, document.RootElement.Clone());
    }

    /// <summary>
    /// What the Functions host and this app's handler contract require (custom-handler contract):
    /// an HTTP function has exactly an httpTrigger in and an http out, so the host proxies the raw
    /// request; a queue function has only a session-enabled serviceBusTrigger on the identity-based
    /// ServiceBusConnection (output bindings cannot set SessionId or MessageId); a timer function only its timerTrigger.
    /// </summary>
    public IEnumerable<string> Problems()
    {
        if (Root.ValueKind != JsonValueKind.Object)
        {
            yield return $"{Name}: function.json is not an object";
            yield break;
        }

        var triggers = Bindings.Where(IsTrigger).ToList();
        if (triggers.Count != 1)
        {
            yield return $"{Name}: has {triggers.Count} trigger bindings; a function has exactly one";
            yield break;
        }

        var trigger = triggers[0];
        if (Text(trigger, "direction") != "in")
        {
            yield return $"{Name}: the trigger's direction is '{Text(trigger, "direction")}', not 'in'";
        }

        if (string.IsNullOrEmpty(Text(trigger, "name")))
        {
            yield return $"{Name}: the trigger has no name";
        }

        switch (TriggerType)
        {
            case "httpTrigger":
                foreach (var problem in HttpProblems(trigger))
                {
                    yield return problem;
                }

                break;
            case "serviceBusTrigger":
                foreach (var problem in ServiceBusProblems(trigger))
                {
                    yield return problem;
                }

                break;
            case "timerTrigger":
                // The host posts each tick to /{Name}, as for a queue function; no output binding.
                if (Bindings.Count != 1 || string.IsNullOrEmpty(Text(trigger, "schedule")))
                {
                    yield return $"{Name}: a timer function has exactly one binding, a timerTrigger with a schedule";
                }

                break;
            default:
                yield return $"{Name}: trigger type '{TriggerType}' is not one the app handles (httpTrigger, serviceBusTrigger, timerTrigger)";
                break;
        }
    }

    private IEnumerable<string> HttpProblems(JsonElement trigger)
    {
        var outputs = Bindings.Where(b => !IsTrigger(b)).ToList();
        if (outputs.Count != 1 || Text(outputs[0], "type") != "http" || Text(outputs[0], "direction") != "out")
        {
            yield return $"{Name}: an HTTP function must have exactly one other binding, an 'http' output, so that the host proxies the request unchanged";
        }

        if (Text(trigger, "authLevel") is not ("anonymous" or "function" or "admin"))
        {
            yield return $"{Name}: authLevel '{Text(trigger, "authLevel")}' is not anonymous, function or admin";
        }

        if (HttpTriggerMethods.Count == 0 || HttpTriggerMethods.Any(m => !HttpMethods.Contains(m)))
        {
            yield return $"{Name}: methods [{string.Join(", ", HttpTriggerMethods)}] must list HTTP methods in lower case";
        }
    }

    private IEnumerable<string> ServiceBusProblems(JsonElement trigger)
    {
        if (Bindings.Count != 1)
        {
            yield return $"{Name}: a queue function has only its trigger; it sends with Azure.Messaging.ServiceBus, not output bindings";
        }

        if (string.IsNullOrEmpty(QueueName))
        {
            yield return $"{Name}: the serviceBusTrigger has no queueName";
        }

        if (Text(trigger, "connection") != ConnectorHost.ServiceBusSection)
        {
            yield return $"{Name}: connection is '{Text(trigger, "connection")}', not '{ConnectorHost.ServiceBusSection}' (the identity-based app settings)";
        }

        if (!trigger.TryGetProperty("isSessionsEnabled", out var sessions) || sessions.ValueKind != JsonValueKind.True)
        {
            yield return $"{Name}: isSessionsEnabled must be true: the queues require sessions";
        }
    }

    private static bool IsTrigger(JsonElement binding) => Text(binding, "type")?.EndsWith("Trigger", StringComparison.Ordinal) == true;

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
