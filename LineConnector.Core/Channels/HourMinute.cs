using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LineConnector.Core.Channels;

/// <summary>Times of day as operators write them: <c>HH:MM</c>, 00:00 to 23:59.</summary>
public static class HourMinute
{
    public static bool TryParse(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text?.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    public static string Format(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);
}

internal sealed class HourMinuteJson : JsonConverter<TimeOnly>
{
    public override TimeOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && HourMinute.TryParse(reader.GetString(), out var time)
            ? time
            : throw new JsonException("must be a time of day as HH:MM (00:00 to 23:59)");

    public override void Write(Utf8JsonWriter writer, TimeOnly value, JsonSerializerOptions options) => writer.WriteStringValue(HourMinute.Format(value));
}

internal sealed class TimeRangeJson : JsonConverter<TimeRange>
{
    public override TimeRange Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && TimeRange.TryParse(reader.GetString(), out var range)
            ? range
            : throw new JsonException("must be a range of times as HH:MM-HH:MM");

    public override void Write(Utf8JsonWriter writer, TimeRange value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
