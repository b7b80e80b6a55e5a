using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LineConnector.Core.Channels;

/// <summary>Times of day as operators write them: <c>HH:MM</c>, 00:00 to 23:59.</summary>
public static class HourMinute
{
    /// <summary>Parses exactly two digits, a colon and two digits (surrounding spaces are ignored).</summary>
    public static bool TryParse(string? text, out TimeOnly time)
    {
        time = default;
        var trimmed = text?.Trim();
        return trimmed is { Length: 5 } && trimmed[2] == ':'
            && TimeOnly.TryParseExact(trimmed, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

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

/// <summary>Days of the week as their short names (<c>["mon","tue"]</c>).</summary>
internal sealed class DayListJson : JsonConverter<IReadOnlyList<DayOfWeek>>
{
    public override IReadOnlyList<DayOfWeek> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"must be a list of days: {ChannelTexts.Day.Choices}");
        }

        var days = new List<DayOfWeek>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            days.Add(ReadDay(ref reader));
        }

        return days;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<DayOfWeek> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var day in value)
        {
            writer.WriteStringValue(ChannelTexts.Day.Format(day));
        }

        writer.WriteEndArray();
    }

    internal static DayOfWeek ReadDay(ref Utf8JsonReader reader) =>
        reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && ChannelTexts.Day.TryParse(reader.GetString(), out var day)
            ? day
            : throw new JsonException($"each day must be {ChannelTexts.Day.Choices}");
}

/// <summary>Opening hours per day: <c>{"mon": ["09:00-12:00", "13:00-18:00"]}</c>.</summary>
internal sealed class ScheduleDaysJson : JsonConverter<IReadOnlyDictionary<DayOfWeek, IReadOnlyList<TimeRange>>>
{
    public override IReadOnlyDictionary<DayOfWeek, IReadOnlyList<TimeRange>> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("must be an object of days to lists of HH:MM-HH:MM");
        }

        var days = new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var day = DayListJson.ReadDay(ref reader);
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException("must be a list of HH:MM-HH:MM");
            }

            var ranges = new List<TimeRange>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                ranges.Add(reader.TokenType == JsonTokenType.String && TimeRange.TryParse(reader.GetString(), out var range)
                    ? range
                    : throw new JsonException("must be a range of times as HH:MM-HH:MM"));
            }

            days[day] = ranges;
        }

        return days;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<DayOfWeek, IReadOnlyList<TimeRange>> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (day, ranges) in value)
        {
            writer.WriteStartArray(ChannelTexts.Day.Format(day));
            foreach (var range in ranges)
            {
                writer.WriteStringValue(range.ToString());
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }
}
