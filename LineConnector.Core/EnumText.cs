using System.Text.Json;
using System.Text.Json.Serialization;

namespace LineConnector.Core;

/// <summary>
/// The one way an enum value becomes text and back: in the admin API's JSON, in Table entities, in
/// messages to destinations, in explanations and on the command line (e.g. <c>https-webhook</c>),
/// read case-insensitively. Each enum's texts are declared once, next to the enum.
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

public static class EnumText
{
    /// <summary>Every member by its name in kebab case: <c>AutoClose</c> is <c>auto-close</c>, <c>Open</c> is <c>open</c>.</summary>
    public static EnumText<T> Kebab<T>()
        where T : struct, Enum =>
        new([.. Enum.GetValues<T>().Select(value => (value, JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString())))]);
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
