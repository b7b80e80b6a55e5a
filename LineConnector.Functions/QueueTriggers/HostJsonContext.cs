using System.Text.Json.Serialization;

namespace LineConnector.Functions.QueueTriggers;

/// <summary>The custom handler's answer to the host: outputs, log lines and a return value.</summary>
public sealed record InvocationResult
{
    public Dictionary<string, object?> Outputs { get; init; } = [];
    public IReadOnlyList<string> Logs { get; init; } = [];
    public object? ReturnValue { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.Unspecified)]
[JsonSerializable(typeof(InvocationResult))]
[JsonSerializable(typeof(string))]
internal sealed partial class HostJsonContext : JsonSerializerContext;
