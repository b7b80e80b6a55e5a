using System.Text.Json;
using System.Text.Json.Serialization;

namespace LineConnector.Cli;

/// <summary>The JSON the commands print.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(MediaReport))]
[JsonSerializable(typeof(MessagesReport))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(TextMessage[]))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

/// <summary><c>check-media --json</c>.</summary>
internal sealed record MediaReport(
    string Verdict,
    string Kind,
    string? Container,
    string? VideoCodec,
    IReadOnlyList<string> AudioCodecs,
    int AudioStreams,
    long? DurationMs,
    long? SizeBytes,
    IReadOnlyList<string> Reasons,
    long BytesRead,
    int Requests);

/// <summary><c>check-message --json</c>.</summary>
/// <param name="Requests">LINE requests the messages take (at most five objects each).</param>
internal sealed record MessagesReport(string Verdict, int Requests, IReadOnlyList<string> Reasons, IReadOnlyList<MessageReport> Messages);

internal sealed record MessageReport(int Index, string Type, string Verdict, IReadOnlyList<string> Reasons);

/// <summary>A LINE text message object, as <c>notify --text</c> sends it.</summary>
internal sealed record TextMessage(string Type, string Text);
