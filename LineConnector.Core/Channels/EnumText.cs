using System.Text.Json;
using System.Text.Json.Serialization;

namespace LineConnector.Core.Channels;

/// <summary>
/// The text an operator writes for an enum value, in the admin API's JSON and in Table entities
/// alike (e.g. <c>https-webhook</c>), read case-insensitively.
/// </summary>
public sealed class EnumText<T>
    where T : struct, Enum
{
    private readonly (T Value, string Text)[] _names;

    public EnumText(params (T Value, string Text)[] names)
    {
        _names = names;
    }

    /// <summary>The accepted texts, for error messages: <c>a, b or c</c>.</summary>
    public string Choices => _names.Length == 1
        ? _names[0].Text
        : string.Join(", ", _names[..^1].Select(n => n.Text)) + " or " + _names[^1].Text;

    public string Format(T value)
    {
        foreach (var (v, text) in _names)
        {
            if (EqualityComparer<T>.Default.Equals(v, value))
            {
                return text;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(value), value, $"{typeof(T).Name} has no text for this value.");
    }

    public bool TryParse(string? text, out T value)
    {
        foreach (var (v, name) in _names)
        {
            if (string.Equals(name, text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }

        value = default;
        return false;
    }
}

/// <summary>Reads and writes an enum as its <see cref="EnumText{T}"/> text, also as a dictionary key.</summary>
public abstract class EnumTextJsonConverter<T>(EnumText<T> text) : JsonConverter<T>
    where T : struct, Enum
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName ? reader.GetString() : null;
        return text.TryParse(value, out var parsed)
            ? parsed
            : throw new JsonException($"must be {text.Choices}");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(text.Format(value));

    public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Read(ref reader, typeToConvert, options);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WritePropertyName(text.Format(value));
}
