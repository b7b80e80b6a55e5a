using System.Text.Json;
using System.Text.Json.Serialization;

namespace LineConnector.Core.Cost;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UsageResource))]
public sealed partial class CostJsonContext : JsonSerializerContext;
