using System.Text.Json;
using System.Text.Json.Serialization;

namespace LineConnector.Core.Chat;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ReadReceipt))]
public sealed partial class ChatJsonContext : JsonSerializerContext;
